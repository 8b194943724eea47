#include "honeypot/server/session_server.h"

#include <random>
#include <vector>

#include <fmt/format.h>

#include "common/event.h"
#include "common/time.h"
#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot::server {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string_view closeReasonName(CloseReason reason) {
    switch (reason) {
    case CloseReason::PeerClosed:
        return "peer_closed";
    case CloseReason::Protocol:
        return "protocol";
    case CloseReason::IdleTimeout:
        return "idle_timeout";
    case CloseReason::TotalTimeout:
        return "total_timeout";
    case CloseReason::InputLimit:
        return "input_limit";
    case CloseReason::OutputLimit:
        return "output_limit";
    case CloseReason::IoError:
        return "io_error";
    case CloseReason::ServerStop:
        return "server_stop";
    }
    return "unknown";
}

bool Output::write(std::span<const uint8_t> bytes) {
    if (overflowed_ || bytes.size() > limit_ || queuedBytes() > limit_ - bytes.size()) {
        overflowed_ = true;
        return false;
    }
    (holding_ ? held_ : queue_).append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return true;
}

void Output::pause(std::chrono::milliseconds delay) {
    if (delay <= std::chrono::milliseconds::zero()) {
        return;
    }
    release_at_ = (holding_ ? release_at_ : Clock::now()) + delay;
    holding_ = true;
    pause_changed_ = true;
}

bool Output::write(std::string_view text) {
    return write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

namespace {

/// Output buffer capacity a session keeps between writes (larger ones are freed).
constexpr size_t kKeptBufferBytes = 512;

asio::ip::address unmapped(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

} // namespace

/// One connection. Owned by the server's session table and by whatever operation is pending on it
/// (read coroutine, write, watchdog), so it lives until the last of those completes.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(SessionServer& server, tcp::socket socket, asio::ip::address src, SessionInfo info,
            std::unique_ptr<SessionProtocol> protocol)
        : server_(server), socket_(std::move(socket)), watchdog_(socket_.get_executor()), src_(src),
          info_(std::move(info)), protocol_(std::move(protocol)), output_(server.config_.limits.max_output_queue_bytes),
          start_wall_(nowMicros()), start_(Clock::now()), idle_deadline_(start_ + server.config_.limits.idle_timeout),
          total_deadline_(start_ + server.config_.limits.total_timeout) {}

    const asio::ip::address& source() const { return src_; }

    void begin() {
        output_.wake_ = [weak = weak_from_this()](std::chrono::milliseconds delay) {
            if (const auto self = weak.lock()) {
                self->scheduleWake(delay);
            }
        };
        armWatchdog();
        asio::co_spawn(socket_.get_executor(), readLoop(shared_from_this()), asio::detached);
    }

    /// Closes now (flush_first: after the queued output is written, bounded by the timers).
    void close(CloseReason reason, bool flush_first = false) {
        if (closed_) {
            return;
        }
        if (flush_first && output_.queuedBytes() > 0 && !output_.overflowed()) {
            closing_ = true;
            reason_ = reason;
            return;
        }
        closed_ = true;
        reason_ = reason;
        server_.countClose(reason);
        boost::system::error_code ignored;
        watchdog_.cancel();
        if (wake_timer_) {
            wake_timer_->cancel();
        }
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        guarded([&] { protocol_->onClose(reason); });
        emitEvent(reason);
        server_.sessionClosed(*this);
    }

private:
    void scheduleWake(std::chrono::milliseconds delay) {
        if (closed_) {
            return;
        }
        const auto weak = weak_from_this();
        if (delay <= std::chrono::milliseconds::zero()) {
            asio::post(socket_.get_executor(), [weak] {
                if (const auto self = weak.lock()) {
                    self->woken();
                }
            });
            return;
        }
        if (!wake_timer_) {
            wake_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
        }
        wake_timer_->expires_after(delay);
        wake_timer_->async_wait([weak](const boost::system::error_code& ec) {
            const auto self = weak.lock();
            if (!ec && self) {
                self->woken();
            }
        });
    }

    void woken() {
        if (closed_ || closing_) {
            return;
        }
        bool keep_open = true;
        const bool ok = guarded([&] { keep_open = protocol_->onWake(output_); });
        afterProtocol(keep_open && ok);
    }

    /// Runs a SessionProtocol call. Protocols must not throw; one that does (a bug, or memory
    /// exhaustion) closes only its own session, counted in protocol_errors.
    template <typename F>
    bool guarded(F&& call) {
        try {
            call();
            return true;
        } catch (const std::exception&) {
            server_.counters_.protocol_errors++;
            return false;
        }
    }

    asio::awaitable<void> readLoop(std::shared_ptr<Session> self) {
        const SessionLimits& limits = server_.config_.limits;
        std::vector<uint8_t> buffer(std::max<size_t>(1, limits.read_buffer_bytes));
        const bool started = guarded([&] { protocol_->start(output_); });
        if (!afterProtocol(started)) {
            co_return;
        }
        while (!closed_ && !closing_) {
            boost::system::error_code ec;
            size_t n =
                co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (closed_) {
                co_return;
            }
            if (ec) {
                close(ec == asio::error::eof || ec == asio::error::connection_reset ? CloseReason::PeerClosed
                                                                                    : CloseReason::IoError);
                co_return;
            }
            idle_deadline_ = Clock::now() + limits.idle_timeout;
            size_t room = limits.max_input_bytes_per_session - bytes_in_;
            bool over = n > room;
            size_t take = over ? room : n;
            bytes_in_ += take;
            server_.counters_.bytes_in += take;
            bool keep_open = take == 0;
            if (!keep_open) {
                const bool ok = guarded(
                    [&] { keep_open = protocol_->onData(std::span<const uint8_t>(buffer.data(), take), output_); });
                keep_open = keep_open && ok;
            }
            if (!afterProtocol(keep_open)) {
                co_return;
            }
            if (over || bytes_in_ >= limits.max_input_bytes_per_session) {
                close(CloseReason::InputLimit);
                co_return;
            }
        }
        (void)self;
    }

    /// Handles what the protocol did: overflow, close request, or output to send. False if closing.
    bool afterProtocol(bool keep_open) {
        if (closed_) {
            return false;
        }
        if (output_.overflowed()) {
            close(CloseReason::OutputLimit);
            return false;
        }
        flush();
        if (output_.pause_changed_) {
            output_.pause_changed_ = false;
            watchdog_.cancel(); // re-armed for the release time by the cancelled wait's handler
        }
        if (!keep_open) {
            close(CloseReason::Protocol, true);
            return false;
        }
        return true;
    }

    /// Held output whose pause is over goes to the write queue.
    void releaseHeld() {
        if (!output_.holding_ || Clock::now() < output_.release_at_) {
            return;
        }
        output_.holding_ = false;
        output_.queue_.append(output_.held_);
        releaseIfLarge(output_.held_);
        flush();
        if (closing_ && !writing_ && output_.queuedBytes() == 0) {
            closing_ = false;
            close(reason_);
        }
    }

    void flush() {
        if (closed_ || writing_ || output_.queue_.empty()) {
            return;
        }
        writing_ = true;
        in_flight_.swap(output_.queue_);
        output_.queue_.clear();
        output_.in_flight_ = in_flight_.size();
        asio::async_write(
            socket_, asio::buffer(in_flight_),
            [self = shared_from_this()](const boost::system::error_code& ec, size_t n) { self->onWritten(ec, n); });
    }

    static void releaseIfLarge(std::string& buffer) {
        if (buffer.capacity() > kKeptBufferBytes) {
            std::string().swap(buffer);
        } else {
            buffer.clear();
        }
    }

    void onWritten(const boost::system::error_code& ec, size_t n) {
        writing_ = false;
        output_.in_flight_ = 0;
        // An idle session keeps no output buffers: a command that printed 64 KiB would otherwise
        // leave that much capacity behind in both strings for the rest of the session.
        releaseIfLarge(in_flight_);
        if (output_.queue_.empty()) {
            releaseIfLarge(output_.queue_);
        }
        bytes_out_ += n;
        server_.counters_.bytes_out += n;
        if (closed_) {
            return;
        }
        if (ec) {
            close(ec == asio::error::broken_pipe || ec == asio::error::connection_reset ? CloseReason::PeerClosed
                                                                                        : CloseReason::IoError);
            return;
        }
        flush();
        if (closing_ && !writing_ && output_.queuedBytes() == 0) {
            closing_ = false;
            close(reason_);
        }
    }

    void armWatchdog() {
        // While draining output before a protocol close, only the total timeout applies.
        auto deadline = closing_ ? total_deadline_ : std::min(idle_deadline_, total_deadline_);
        if (output_.holding_) {
            deadline = std::min(deadline, output_.release_at_);
        }
        watchdog_.expires_at(deadline);
        watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (self->closed_) {
                return;
            }
            if (ec) {
                if (ec == asio::error::operation_aborted) {
                    self->armWatchdog(); // cancelled by a new pause (close() sets closed_ first)
                }
                return;
            }
            self->releaseHeld();
            if (self->closed_) {
                return;
            }
            auto now = Clock::now();
            if (now >= self->total_deadline_) {
                self->close(CloseReason::TotalTimeout);
            } else if (now >= self->idle_deadline_ && !self->closing_) {
                self->close(CloseReason::IdleTimeout);
            } else {
                self->armWatchdog();
            }
        });
    }

    void emitEvent(CloseReason reason) {
        Timestamp end_wall = nowMicros();
        double duration_s = std::chrono::duration<double>(Clock::now() - start_).count();
        const SessionEnd record{{info_.id, server_.config_.service, info_.src, info_.src_port, info_.dst_port},
                                server_.config_.sensor,
                                start_wall_,
                                end_wall,
                                duration_s,
                                bytes_in_,
                                bytes_out_,
                                closeReasonName(reason),
                                std::nullopt};
        server_.sink_.publish(record.toEvent());
    }

    SessionServer& server_;
    tcp::socket socket_;
    asio::steady_timer watchdog_;
    std::unique_ptr<asio::steady_timer> wake_timer_; ///< made at the first Output::wakeAfter()
    asio::ip::address src_;
    SessionInfo info_;
    std::unique_ptr<SessionProtocol> protocol_;
    Output output_;
    std::string in_flight_;
    Timestamp start_wall_;
    Clock::time_point start_;
    Clock::time_point idle_deadline_;
    Clock::time_point total_deadline_;
    uint64_t bytes_in_ = 0;
    uint64_t bytes_out_ = 0;
    CloseReason reason_ = CloseReason::PeerClosed;
    bool writing_ = false;
    bool closing_ = false; ///< close requested, waiting for the output to drain
    bool closed_ = false;
};

SessionServer::SessionServer(asio::io_context& io, ServerConfig config, ProtocolFactory factory, EventSink& sink)
    : io_(io), config_(std::move(config)), factory_(std::move(factory)), sink_(sink), acceptor_(io) {
    std::random_device random;
    next_id_ = (static_cast<uint64_t>(random()) << 32) ^ random();
}

SessionServer::~SessionServer() {
    stop();
}

size_t SessionServer::sessionStateBytes() {
    return sizeof(Session);
}

Result<void> SessionServer::start() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(config_.address, ec);
    if (ec) {
        return fail("cannot listen on {}:{}: bad address", config_.address, config_.port);
    }
    tcp::endpoint endpoint(address, config_.port);
    auto failed = [&](const char* what) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        return fail("cannot listen on {}:{}: {}: {}", config_.address, config_.port, what, ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        return failed("open");
    }
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) {
        return failed("setsockopt");
    }
    acceptor_.bind(endpoint, ec);
    if (ec) {
        return failed("bind");
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return failed("listen");
    }
    local_port_ = acceptor_.local_endpoint(ec).port();
    stopping_ = false;
    asio::co_spawn(io_, acceptLoop(), asio::detached);
    return {};
}

void SessionServer::stop() {
    if (stopping_) {
        return;
    }
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    // close() removes the session from the table; copy first.
    std::vector<std::shared_ptr<Session>> open;
    open.reserve(sessions_.size());
    for (auto& [key, session] : sessions_) {
        open.push_back(session);
    }
    for (auto& session : open) {
        session->close(CloseReason::ServerStop);
    }
}

asio::awaitable<void> SessionServer::acceptLoop() {
    asio::steady_timer backoff(io_);
    while (!stopping_) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) {
            break;
        }
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
                break;
            }
            // EMFILE and the like: back off instead of spinning.
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        admit(std::move(socket));
    }
}

void SessionServer::admit(tcp::socket socket) {
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) {
        counters_.io_errors++;
        socket.close(ec);
        return;
    }
    auto local = socket.local_endpoint(ec);
    auto src = unmapped(remote.address());
    const SessionLimits& limits = config_.limits;
    if (sessions_.size() >= limits.max_sessions) {
        counters_.refused_global++;
        socket.close(ec);
        return;
    }
    size_t& from_source = per_source_[src];
    if (from_source >= limits.max_sessions_per_source) {
        counters_.refused_per_source++;
        if (from_source == 0) {
            per_source_.erase(src);
        }
        socket.close(ec);
        return;
    }
    SessionInfo info{nextSessionId(), src.to_string(), remote.port(), local.port(),
                     unmapped(local.address()).to_string()};
    std::unique_ptr<SessionProtocol> protocol;
    try {
        protocol = factory_(info);
    } catch (const std::exception&) {
        counters_.protocol_errors++;
    }
    if (!protocol) {
        counters_.io_errors++;
        if (from_source == 0) {
            per_source_.erase(src);
        }
        socket.close(ec);
        return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    from_source++;
    counters_.accepted++;
    auto session = std::make_shared<Session>(*this, std::move(socket), src, std::move(info), std::move(protocol));
    sessions_.emplace(session.get(), session);
    session->begin();
}

void SessionServer::countClose(CloseReason reason) {
    switch (reason) {
    case CloseReason::PeerClosed:
        counters_.closed_by_peer++;
        break;
    case CloseReason::Protocol:
        counters_.closed_by_protocol++;
        break;
    case CloseReason::IdleTimeout:
        counters_.idle_timeouts++;
        break;
    case CloseReason::TotalTimeout:
        counters_.total_timeouts++;
        break;
    case CloseReason::InputLimit:
        counters_.input_limit++;
        break;
    case CloseReason::OutputLimit:
        counters_.output_limit++;
        break;
    case CloseReason::IoError:
        counters_.io_errors++;
        break;
    case CloseReason::ServerStop:
        counters_.closed_by_stop++;
        break;
    }
}

void SessionServer::sessionClosed(Session& session) {
    auto it = per_source_.find(session.source());
    if (it != per_source_.end() && --it->second == 0) {
        per_source_.erase(it);
    }
    sessions_.erase(&session); // the session may be destroyed here if nothing else holds it
}

std::string SessionServer::nextSessionId() {
    return fmt::format("{:016x}", next_id_++);
}

} // namespace kansoku::honeypot::server

#pragma once

/// The honeypot session server core (issue 4): one listener on one io_context, one coroutine per
/// connection doing read -> protocol -> write, with every resource bounded and every limit counted.
/// A service (telnet, ...) plugs in a SessionProtocol per connection; the server emits one
/// `honeypot.session` event per accepted session when it closes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/asio.h"
#include "common/event_sink.h"
#include "common/result.h"

namespace kansoku::honeypot::server {

/// Resource bounds. A session that hits one is closed and the hit is counted in ServerCounters.
struct SessionLimits {
    size_t max_sessions = 1024;                       ///< open sessions, all sources
    size_t max_sessions_per_source = 16;              ///< open sessions from one source address
    std::chrono::milliseconds idle_timeout{180'000};  ///< no input for this long -> close
    std::chrono::milliseconds total_timeout{900'000}; ///< session age -> close
    size_t max_input_bytes_per_session = 256 * 1024;  ///< total bytes read from the client
    size_t read_buffer_bytes = 2 * 1024;              ///< bytes per read
    size_t max_output_queue_bytes = 256 * 1024;       ///< unsent output (client not reading)
};

struct ServerCounters {
    uint64_t accepted = 0;
    uint64_t refused_global = 0;
    uint64_t refused_per_source = 0;
    uint64_t idle_timeouts = 0;
    uint64_t total_timeouts = 0;
    uint64_t input_limit = 0;
    uint64_t output_limit = 0;
    uint64_t closed_by_protocol = 0;
    uint64_t closed_by_peer = 0;
    uint64_t closed_by_stop = 0;
    uint64_t io_errors = 0;
    uint64_t protocol_errors = 0; ///< a factory or SessionProtocol call threw (the session was closed)
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
};

enum class CloseReason {
    PeerClosed,   ///< the client closed or reset the connection
    Protocol,     ///< SessionProtocol::onData returned false
    IdleTimeout,  ///< SessionLimits::idle_timeout
    TotalTimeout, ///< SessionLimits::total_timeout
    InputLimit,   ///< SessionLimits::max_input_bytes_per_session
    OutputLimit,  ///< SessionLimits::max_output_queue_bytes
    IoError,      ///< a read or write failed
    ServerStop,   ///< SessionServer::stop()
};

/// "peer_closed", "protocol", "idle_timeout", "total_timeout", "input_limit", "output_limit",
/// "io_error", "server_stop" (the close_reason field of honeypot.session).
std::string_view closeReasonName(CloseReason reason);

/// A session's bounded write queue. Appends beyond the bound are dropped and mark the queue
/// overflowed; the server then closes the session with CloseReason::OutputLimit.
class Output {
public:
    using Clock = std::chrono::steady_clock;

    explicit Output(size_t limit) : limit_(limit) {}

    /// Appends bytes; false (and nothing appended) if the queue would exceed its bound.
    bool write(std::span<const uint8_t> bytes);
    bool write(std::string_view text);

    /// Bytes written after this call are sent no earlier than `delay` from now, as a device pauses
    /// (BusyBox login sleeps 3 s before "Login incorrect"). A pause while one is pending extends it.
    /// Input is still read meanwhile; the session's watchdog timer releases the held bytes.
    void pause(std::chrono::milliseconds delay);

    /// Asks the session to call SessionProtocol::onWake soon (posted, never from inside this call):
    /// for work that ends outside onData, e.g. a download a shell line waits for. Safe to call from
    /// a callback on the io_context's thread while the session is open.
    void wake() const {
        if (wake_) {
            wake_(std::chrono::milliseconds::zero());
        }
    }
    /// The same after `delay` (one pending timed wake per session; a later call replaces it).
    void wakeAfter(std::chrono::milliseconds delay) const {
        if (wake_) {
            wake_(delay);
        }
    }

    size_t queuedBytes() const { return queue_.size() + held_.size() + in_flight_; }
    bool overflowed() const { return overflowed_; }
    bool holding() const { return holding_; }

private:
    friend class Session;
    std::string queue_;
    std::string held_; ///< written after pause(), until release_at_
    Clock::time_point release_at_{};
    size_t in_flight_ = 0; ///< bytes handed to the socket, not yet confirmed written
    size_t limit_;
    bool overflowed_ = false;
    bool holding_ = false;
    bool pause_changed_ = false;                          ///< the session must re-arm its timer for release_at_
    std::function<void(std::chrono::milliseconds)> wake_; ///< set by the session
};

/// What a service implements, one instance per connection. Called on the io_context's thread only;
/// must not throw. Input is attacker data: treat it as bytes, bound what you keep.
class SessionProtocol {
public:
    virtual ~SessionProtocol() = default;
    /// The connection is open: write a banner, if any.
    virtual void start(Output& out) = 0;
    /// Bytes from the client (any split). Return false to close after the queued output is sent.
    virtual bool onData(std::span<const uint8_t> data, Output& out) = 0;
    /// After Output::wake() / wakeAfter(): write what is ready. Return false to close, as onData.
    virtual bool onWake(Output& out) {
        (void)out;
        return true;
    }
    /// The session is closing (called once, also when start/onData did not ask for it).
    virtual void onClose(CloseReason reason) = 0;
};

/// Who connected (what a factory may use to set up a session).
struct SessionInfo {
    std::string id;  ///< 16 hex chars, unique per server
    std::string src; ///< client address ("198.51.100.7")
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
    std::string dst; ///< the local address the client connected to
};

using ProtocolFactory = std::function<std::unique_ptr<SessionProtocol>(const SessionInfo&)>;

struct ServerConfig {
    std::string service = "tcp";       ///< protocol field of honeypot.session ("telnet", ...)
    std::string sensor;                ///< Event::sensor
    std::string address = "127.0.0.1"; ///< listen address (IPv4 or IPv6 literal)
    uint16_t port = 0;                 ///< 0: any free port, see localPort()
    SessionLimits limits;
};

class Session;

/// Caller owns the io_context and runs it (single thread). Lifetime: the server must outlive run()
/// of its io_context, or stop() must have been called and run() returned before it is destroyed.
class SessionServer {
public:
    SessionServer(boost::asio::io_context& io, ServerConfig config, ProtocolFactory factory, EventSink& sink);
    ~SessionServer();
    SessionServer(const SessionServer&) = delete;
    SessionServer& operator=(const SessionServer&) = delete;

    /// Binds and listens, then accepts on the io_context. Error: "cannot listen on ADDR:PORT: why".
    Result<void> start();
    /// Closes the listener and every session (close_reason server_stop); run() then returns once
    /// nothing else is pending. Idempotent.
    void stop();

    uint16_t localPort() const { return local_port_; }
    const ServerCounters& counters() const { return counters_; }
    size_t activeSessions() const { return sessions_.size(); }
    /// sizeof the per-session state object (not counting its read buffer or coroutine frame).
    static size_t sessionStateBytes();

private:
    friend class Session;
    boost::asio::awaitable<void> acceptLoop();
    void admit(boost::asio::ip::tcp::socket socket);
    void countClose(CloseReason reason);
    void sessionClosed(Session& session);
    std::string nextSessionId();

    boost::asio::io_context& io_;
    ServerConfig config_;
    ProtocolFactory factory_;
    EventSink& sink_;
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t local_port_ = 0;
    bool stopping_ = false;
    uint64_t next_id_ = 0;
    ServerCounters counters_;
    std::unordered_map<Session*, std::shared_ptr<Session>> sessions_;
    std::map<boost::asio::ip::address, size_t> per_source_;
};

} // namespace kansoku::honeypot::server

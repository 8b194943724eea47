#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/event.h"
#include "honeypot/server/session_server.h"

namespace kansoku::honeypot::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Echoes lines; "quit" -> "bye" and close; "big N" -> N bytes of 'x' and a newline.
class EchoProtocol final : public SessionProtocol {
public:
    explicit EchoProtocol(std::vector<CloseReason>& closes) : closes_(closes) {}
    void start(Output& out) override { out.write("hello\n"); }
    bool onData(std::span<const uint8_t> data, Output& out) override {
        for (uint8_t byte : data) {
            if (byte != '\n') {
                if (line_.size() < 4096) {
                    line_.push_back(static_cast<char>(byte));
                }
                continue;
            }
            std::string line = std::move(line_);
            line_.clear();
            if (line == "quit") {
                out.write("bye\n");
                return false;
            }
            if (line.rfind("big ", 0) == 0) {
                out.write(std::string(std::stoul(line.substr(4)), 'x') + "\n");
            } else {
                out.write(line + "\n");
            }
        }
        return true;
    }
    void onClose(CloseReason reason) override { closes_.push_back(reason); }

private:
    std::vector<CloseReason>& closes_;
    std::string line_;
};

/// Fast limits for tests; each test tightens the one it checks.
SessionLimits testLimits() {
    SessionLimits limits;
    limits.max_sessions = 8;
    limits.max_sessions_per_source = 8;
    limits.idle_timeout = 3s;
    limits.total_timeout = 4s;
    return limits;
}

class SessionServerTest : public ::testing::Test {
protected:
    void startServer(SessionLimits limits) {
        ServerConfig config;
        config.service = "echo";
        config.sensor = "test-sensor";
        config.limits = limits;
        server_ = std::make_unique<SessionServer>(
            io_, config, [this](const SessionInfo&) { return std::make_unique<EchoProtocol>(closes_); }, sink_);
        auto started = server_->start();
        ASSERT_TRUE(started) << started.error().message;
        ASSERT_NE(server_->localPort(), 0);
    }

    /// Runs the clients on the io_context; when all are done, stops the server, and run() must return.
    void run(std::vector<asio::awaitable<void>> clients) {
        size_t remaining = clients.size();
        bool guard_fired = false;
        asio::steady_timer guard(io_);
        guard.expires_after(8s);
        guard.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) {
                guard_fired = true;
                io_.stop();
            }
        });
        for (auto& client : clients) {
            asio::co_spawn(io_, std::move(client), [&](std::exception_ptr error) {
                if (error) {
                    try {
                        std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                        ADD_FAILURE() << "client failed: " << e.what();
                    }
                }
                if (--remaining == 0) {
                    server_->stop();
                    guard.cancel();
                }
            });
        }
        io_.run();
        EXPECT_FALSE(guard_fired) << "timed out";
        EXPECT_EQ(remaining, 0u);
    }

    asio::awaitable<tcp::socket> connect(const char* from = nullptr) {
        tcp::socket socket(io_);
        if (from != nullptr) {
            socket.open(tcp::v4());
            socket.bind(tcp::endpoint(asio::ip::make_address(from), 0));
        }
        co_await socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->localPort()),
                                      asio::use_awaitable);
        co_return socket;
    }

    static asio::awaitable<std::string> readLine(tcp::socket& socket, std::string& buffer) {
        size_t n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n', asio::use_awaitable);
        std::string line = buffer.substr(0, n - 1);
        buffer.erase(0, n);
        co_return line;
    }

    static asio::awaitable<void> writeText(tcp::socket& socket, std::string text) {
        co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
    }

    /// Reads until the server closes; true if it did (EOF or reset), with any data appended to `seen`.
    static asio::awaitable<bool> waitClosed(tcp::socket& socket, std::string* seen = nullptr) {
        char buffer[4096];
        for (;;) {
            boost::system::error_code ec;
            size_t n =
                co_await socket.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                co_return ec == asio::error::eof || ec == asio::error::connection_reset;
            }
            if (seen != nullptr) {
                seen->append(buffer, n);
            }
        }
    }

    /// A client that talks and quits: banner, echo, quit, bye, closed.
    asio::awaitable<void> politeClient(std::string text) {
        auto socket = co_await connect();
        std::string buffer;
        EXPECT_EQ(co_await readLine(socket, buffer), "hello");
        co_await writeText(socket, text + "\n");
        EXPECT_EQ(co_await readLine(socket, buffer), text);
        co_await writeText(socket, "quit\n");
        EXPECT_EQ(co_await readLine(socket, buffer), "bye");
        EXPECT_TRUE(co_await waitClosed(socket));
    }

    /// One of many clients that are all connected at once: each waits at `barrier` until the last
    /// one has been echoed. (A coroutine member function, not a lambda: its arguments live in the frame.)
    asio::awaitable<void> concurrentClient(size_t i, size_t clients, size_t& greeted, size_t& peak,
                                           asio::steady_timer& barrier) {
        auto socket = co_await connect();
        std::string buffer;
        EXPECT_EQ(co_await readLine(socket, buffer), "hello");
        co_await writeText(socket, fmt::format("client {}\n", i));
        EXPECT_EQ(co_await readLine(socket, buffer), fmt::format("client {}", i));
        if (++greeted == clients) {
            peak = server_->activeSessions();
            barrier.cancel(); // everyone is connected at once: release them
        } else {
            boost::system::error_code ec;
            co_await barrier.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        co_await writeText(socket, "quit\n");
        EXPECT_EQ(co_await readLine(socket, buffer), "bye");
        EXPECT_TRUE(co_await waitClosed(socket));
    }

    asio::io_context io_;
    CollectingSink sink_;
    std::vector<CloseReason> closes_;
    std::unique_ptr<SessionServer> server_;
};

std::vector<asio::awaitable<void>> one(asio::awaitable<void> client) {
    std::vector<asio::awaitable<void>> clients;
    clients.push_back(std::move(client));
    return clients;
}

TEST_F(SessionServerTest, EchoesAndClosesOnQuit) {
    startServer(testLimits());
    run(one(politeClient("abc")));
    const auto& c = server_->counters();
    EXPECT_EQ(c.accepted, 1u);
    EXPECT_EQ(c.closed_by_protocol, 1u);
    EXPECT_EQ(c.bytes_in, 4u + 5u);       // "abc\n" "quit\n"
    EXPECT_EQ(c.bytes_out, 6u + 4u + 4u); // "hello\n" "abc\n" "bye\n"
    ASSERT_EQ(closes_.size(), 1u);
    EXPECT_EQ(closes_[0], CloseReason::Protocol);
    EXPECT_EQ(server_->activeSessions(), 0u);
}

TEST_F(SessionServerTest, EventHasEveryField) {
    startServer(testLimits());
    uint16_t client_port = 0;
    run(one([&]() -> asio::awaitable<void> {
        auto socket = co_await connect();
        client_port = socket.local_endpoint().port();
        std::string buffer;
        co_await readLine(socket, buffer);
        co_await writeText(socket, "quit\n");
        co_await waitClosed(socket);
    }()));
    ASSERT_EQ(sink_.events.size(), 1u);
    const Event& event = sink_.events[0];
    EXPECT_EQ(event.type, "honeypot.session");
    EXPECT_EQ(event.sensor, "test-sensor");
    std::vector<std::string> keys;
    for (const auto& [key, value] : event.fields.items()) {
        keys.push_back(key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"session", "src", "src_port", "dst_port", "protocol", "start", "end",
                                              "duration_s", "bytes_in", "bytes_out", "close_reason"}));
    const auto& f = event.fields;
    std::string id = f["session"].get<std::string>();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(f["protocol"], "echo");
    EXPECT_EQ(f["src"], "127.0.0.1");
    EXPECT_EQ(f["src_port"].get<int>(), client_port);
    EXPECT_EQ(f["dst_port"].get<int>(), server_->localPort());
    EXPECT_LE(f["start"].get<std::string>(), f["end"].get<std::string>());
    EXPECT_EQ(f["start"].get<std::string>().size(), f["end"].get<std::string>().size());
    EXPECT_TRUE(f["duration_s"].is_number_float());
    EXPECT_GE(f["duration_s"].get<double>(), 0.0);
    EXPECT_LT(f["duration_s"].get<double>(), 5.0);
    EXPECT_EQ(f["bytes_in"].get<int>(), 5);
    EXPECT_EQ(f["bytes_out"].get<int>(), 10);
    EXPECT_EQ(f["close_reason"], "protocol");
}

TEST_F(SessionServerTest, GlobalLimitRefusesAndCounts) {
    SessionLimits limits = testLimits();
    limits.max_sessions = 2;
    startServer(limits);
    run(one([&]() -> asio::awaitable<void> {
        std::string b1, b2, b4;
        auto c1 = co_await connect();
        EXPECT_EQ(co_await readLine(c1, b1), "hello");
        auto c2 = co_await connect();
        EXPECT_EQ(co_await readLine(c2, b2), "hello");
        auto c3 = co_await connect();
        std::string seen;
        EXPECT_TRUE(co_await waitClosed(c3, &seen));
        EXPECT_EQ(seen, "") << "a refused client gets nothing";
        // Freeing a slot lets the next one in.
        co_await writeText(c1, "quit\n");
        EXPECT_EQ(co_await readLine(c1, b1), "bye");
        EXPECT_TRUE(co_await waitClosed(c1));
        auto c4 = co_await connect();
        EXPECT_EQ(co_await readLine(c4, b4), "hello");
    }()));
    EXPECT_EQ(server_->counters().accepted, 3u);
    EXPECT_EQ(server_->counters().refused_global, 1u);
    EXPECT_EQ(server_->counters().refused_per_source, 0u);
}

TEST_F(SessionServerTest, PerSourceLimitRefusesAndCounts) {
    SessionLimits limits = testLimits();
    limits.max_sessions_per_source = 1;
    startServer(limits);
    run(one([&]() -> asio::awaitable<void> {
        std::string b1, b3;
        auto c1 = co_await connect("127.0.0.1");
        EXPECT_EQ(co_await readLine(c1, b1), "hello");
        auto c2 = co_await connect("127.0.0.1");
        EXPECT_TRUE(co_await waitClosed(c2));
        auto c3 = co_await connect("127.0.0.2"); // another source is still welcome
        EXPECT_EQ(co_await readLine(c3, b3), "hello");
    }()));
    EXPECT_EQ(server_->counters().accepted, 2u);
    EXPECT_EQ(server_->counters().refused_per_source, 1u);
    EXPECT_EQ(server_->counters().refused_global, 0u);
    std::set<std::string> sources;
    for (const auto& event : sink_.events) {
        sources.insert(event.fields["src"].get<std::string>());
    }
    EXPECT_EQ(sources, (std::set<std::string>{"127.0.0.1", "127.0.0.2"}));
}

TEST_F(SessionServerTest, IdleTimeoutClosesAndCounts) {
    SessionLimits limits = testLimits();
    limits.idle_timeout = 150ms;
    startServer(limits);
    Clock::duration elapsed{};
    run(one([&]() -> asio::awaitable<void> {
        auto start = Clock::now();
        auto socket = co_await connect();
        std::string buffer;
        EXPECT_EQ(co_await readLine(socket, buffer), "hello");
        EXPECT_TRUE(co_await waitClosed(socket));
        elapsed = Clock::now() - start;
    }()));
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(server_->counters().idle_timeouts, 1u);
    EXPECT_EQ(server_->counters().total_timeouts, 0u);
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].fields["close_reason"], "idle_timeout");
}

TEST_F(SessionServerTest, InputResetsIdleButTotalTimeoutCloses) {
    SessionLimits limits = testLimits();
    limits.idle_timeout = 200ms;
    limits.total_timeout = 500ms;
    startServer(limits);
    Clock::duration elapsed{};
    int echoes = 0;
    run(one([&]() -> asio::awaitable<void> {
        auto start = Clock::now();
        auto socket = co_await connect();
        std::string buffer;
        asio::steady_timer pause(io_);
        boost::system::error_code ec;
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                        asio::redirect_error(asio::use_awaitable, ec));
        buffer.clear();
        for (;;) {
            co_await asio::async_write(socket, asio::buffer(std::string_view("ping\n")),
                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
            size_t n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
            buffer.erase(0, n);
            echoes++;
            pause.expires_after(50ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
        elapsed = Clock::now() - start;
    }()));
    EXPECT_GE(elapsed, 500ms);
    EXPECT_LT(elapsed, 3s);
    EXPECT_GE(echoes, 3) << "the client kept talking past the idle timeout";
    EXPECT_EQ(server_->counters().total_timeouts, 1u);
    EXPECT_EQ(server_->counters().idle_timeouts, 0u);
    ASSERT_EQ(closes_.size(), 1u);
    EXPECT_EQ(closes_[0], CloseReason::TotalTimeout);
}

TEST_F(SessionServerTest, InputLimitClosesAndCounts) {
    SessionLimits limits = testLimits();
    limits.max_input_bytes_per_session = 1000;
    limits.read_buffer_bytes = 256;
    startServer(limits);
    run(one([&]() -> asio::awaitable<void> {
        auto socket = co_await connect();
        boost::system::error_code ec;
        co_await asio::async_write(socket, asio::buffer(std::string(3000, 'a')),
                                   asio::redirect_error(asio::use_awaitable, ec));
        EXPECT_TRUE(co_await waitClosed(socket));
    }()));
    EXPECT_EQ(server_->counters().input_limit, 1u);
    EXPECT_EQ(server_->counters().bytes_in, 1000u);
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].fields["close_reason"], "input_limit");
    EXPECT_EQ(sink_.events[0].fields["bytes_in"].get<int>(), 1000);
}

TEST_F(SessionServerTest, ClientThatNeverReadsHitsOutputLimit) {
    SessionLimits limits = testLimits();
    limits.max_input_bytes_per_session = size_t{1} << 30;
    limits.max_output_queue_bytes = 64 * 1024;
    limits.read_buffer_bytes = 256; // one read asks for at most ~28 KB of output: under the bound
    startServer(limits);
    size_t batches = 0;
    run(one([&]() -> asio::awaitable<void> {
        auto socket = co_await connect();
        std::string batch;
        for (int i = 0; i < 20; ++i) {
            batch += "big 1000\n"; // ~20 KB of output per batch, never read
        }
        boost::system::error_code ec;
        for (batches = 0; batches < 10000; ++batches) {
            co_await asio::async_write(socket, asio::buffer(batch), asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                break;
            }
        }
        EXPECT_TRUE(ec) << "the server never closed a client that does not read";
    }()));
    EXPECT_EQ(server_->counters().output_limit, 1u);
    // The bound trips only once the socket backs up, after the kernel has absorbed well over it.
    EXPECT_GT(batches * 20 * 1001, 2 * limits.max_output_queue_bytes);
    std::printf("output limit hit after %zu batches of ~20 KB output\n", batches);
    ASSERT_EQ(closes_.size(), 1u);
    EXPECT_EQ(closes_[0], CloseReason::OutputLimit);
}

TEST_F(SessionServerTest, ServesTwoHundredConcurrentClients) {
    constexpr size_t kClients = 200;
    SessionLimits limits = testLimits();
    limits.max_sessions = 256;
    limits.max_sessions_per_source = 256;
    startServer(limits);
    size_t greeted = 0;
    size_t peak = 0;
    asio::steady_timer barrier(io_);
    barrier.expires_after(5s);
    std::vector<asio::awaitable<void>> clients;
    for (size_t i = 0; i < kClients; ++i) {
        clients.push_back(concurrentClient(i, kClients, greeted, peak, barrier));
    }
    run(std::move(clients));
    EXPECT_EQ(peak, kClients);
    EXPECT_EQ(server_->counters().accepted, kClients);
    EXPECT_EQ(server_->counters().closed_by_protocol, kClients);
    ASSERT_EQ(sink_.events.size(), kClients);
    std::set<std::string> ids;
    for (const auto& event : sink_.events) {
        ids.insert(event.fields["session"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), kClients) << "session ids are unique";
}

TEST_F(SessionServerTest, BusyPortGivesOneLineError) {
    startServer(testLimits());
    ServerConfig config;
    config.port = server_->localPort();
    SessionServer second(
        io_, config, [this](const SessionInfo&) { return std::make_unique<EchoProtocol>(closes_); }, sink_);
    auto started = second.start();
    ASSERT_FALSE(started);
    const std::string& message = started.error().message;
    EXPECT_NE(message.find(fmt::format("127.0.0.1:{}", config.port)), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
}

TEST_F(SessionServerTest, BadAddressGivesError) {
    ServerConfig config;
    config.address = "not-an-address";
    SessionServer server(
        io_, config, [this](const SessionInfo&) { return std::make_unique<EchoProtocol>(closes_); }, sink_);
    auto started = server.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().message.find("not-an-address:0"), std::string::npos) << started.error().message;
}

TEST_F(SessionServerTest, StopClosesSessionsAndEndsRun) {
    startServer(testLimits()); // idle/total timeouts are seconds away: only stop() can end this
    Clock::duration elapsed{};
    auto start = Clock::now();
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
            auto socket = co_await connect();
            std::string buffer;
            EXPECT_EQ(co_await readLine(socket, buffer), "hello");
            server_->stop();
            EXPECT_TRUE(co_await waitClosed(socket));
        },
        asio::detached);
    io_.run(); // returns only when the listener and the session are gone
    elapsed = Clock::now() - start;
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(server_->counters().closed_by_stop, 1u);
    EXPECT_EQ(server_->activeSessions(), 0u);
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].fields["close_reason"], "server_stop");
}

TEST_F(SessionServerTest, StopWithNoSessionsEndsRun) {
    startServer(testLimits());
    asio::post(io_, [&] { server_->stop(); });
    io_.run();
    EXPECT_EQ(server_->counters().accepted, 0u);
}

TEST(OutputTest, BoundsTheQueue) {
    Output out(10);
    EXPECT_TRUE(out.write("12345"));
    EXPECT_TRUE(out.write("12345"));
    EXPECT_FALSE(out.write("1"));
    EXPECT_TRUE(out.overflowed());
    EXPECT_EQ(out.queuedBytes(), 10u);
}

TEST(SessionServerSizeTest, ReportsSessionStateSize) {
    size_t bytes = SessionServer::sessionStateBytes();
    EXPECT_GT(bytes, 0u);
    EXPECT_LT(bytes, 4096u);
    RecordProperty("session_state_bytes", static_cast<int>(bytes));
    std::printf("sizeof(Session) = %zu\n", bytes);
}

} // namespace
} // namespace kansoku::honeypot::server

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "honeypot/reflector/reflector_server.h"

namespace kansoku::honeypot::reflector {
namespace {

/// A plain POSIX UDP client on 127.0.0.1.
class UdpClient {
public:
    UdpClient() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {}
    ~UdpClient() { ::close(fd_); }
    bool send(uint16_t port, const std::string& data) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
               static_cast<ssize_t>(data.size());
    }
    /// Every datagram that arrives before `quiet` passes without one.
    std::vector<std::string> receiveAll(std::chrono::milliseconds quiet) const {
        std::vector<std::string> out;
        for (;;) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) {
                return out;
            }
            char buffer[2048];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n < 0) {
                return out;
            }
            out.emplace_back(buffer, static_cast<size_t>(n));
        }
    }

private:
    int fd_;
};

ReflectorConfig testConfig() {
    ReflectorConfig config;
    for (Service s : {Service::Memcached, Service::Chargen}) {
        ServiceEndpoint ep;
        ep.service = s;
        ep.port = 0;
        config.services.push_back(ep);
    }
    config.tracker.sensor = "test";
    config.sweep_interval = std::chrono::milliseconds(20);
    return config;
}

TEST(ReflectorServer, AnswersOnlyTheFirstNRequests) {
    boost::asio::io_context io;
    CollectingSink sink;
    ReflectorServer server(io, testConfig(), sink);
    ASSERT_TRUE(server.start());
    ASSERT_NE(server.localPort(0), 0);
    ASSERT_NE(server.localPort(1), 0);
    std::thread runner([&] { io.run(); });

    UdpClient client;
    const std::string stats("\x12\x34\x00\x00\x00\x01\x00\x00stats\r\n", 15);
    constexpr int kRequests = 8;
    for (int i = 0; i < kRequests; ++i) {
        ASSERT_TRUE(client.send(server.localPort(0), stats));
    }
    const auto replies = client.receiveAll(std::chrono::milliseconds(300));
    UdpClient chargen_client;
    ASSERT_TRUE(chargen_client.send(server.localPort(1), "x"));
    const auto chargen = chargen_client.receiveAll(std::chrono::milliseconds(300));

    boost::asio::post(io, [&] { server.stop(); });
    runner.join();

    ASSERT_EQ(replies.size(), 3U);
    for (const auto& reply : replies) {
        EXPECT_EQ(reply.substr(0, 2), "\x12\x34");
        EXPECT_LE(reply.size(), 512U);
        EXPECT_NE(reply.find("END\r\n"), std::string::npos);
    }
    ASSERT_EQ(chargen.size(), 1U);
    EXPECT_EQ(chargen[0].size(), 444U);

    const auto& c = server.counters();
    EXPECT_EQ(c.datagrams, kRequests + 1U);
    EXPECT_EQ(c.replies, 4U);
    EXPECT_EQ(c.suppressed, kRequests - 3U);
    EXPECT_EQ(c.oversize, 0U);
    // stop() flushed both flows as sessions (below the attack threshold).
    ASSERT_EQ(sink.events.size(), 2U);
    for (const auto& e : sink.events) {
        EXPECT_EQ(e.type, "honeypot.session");
        EXPECT_EQ(e.fields["src"], "127.0.0.1");
        EXPECT_EQ(e.fields["close_reason"], "end");
    }
    EXPECT_EQ(sink.events[0].fields["requests"].get<int>() + sink.events[1].fields["requests"].get<int>(),
              kRequests + 1);
}

TEST(ReflectorServer, SweepClosesIdleFlows) {
    boost::asio::io_context io;
    CollectingSink sink;
    auto config = testConfig();
    Timestamp fake_now = 1'714'564'800LL * kMicrosPerSecond;
    config.clock = [&] { return fake_now; };
    ReflectorServer server(io, config, sink);
    ASSERT_TRUE(server.start());
    std::thread runner([&] { io.run(); });
    UdpClient client;
    ASSERT_TRUE(client.send(server.localPort(1), "?"));
    ASSERT_EQ(client.receiveAll(std::chrono::milliseconds(200)).size(), 1U);
    // Hours later (by the injected clock) the sweep closes the flow.
    boost::asio::post(io, [&] { fake_now += 2 * 3600 * kMicrosPerSecond; });
    std::atomic<size_t> events{0};
    for (int i = 0; i < 100 && events == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        boost::asio::post(io, [&] { events = sink.events.size(); });
    }
    boost::asio::post(io, [&] { server.stop(); });
    runner.join();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["close_reason"], "idle");
    EXPECT_EQ(sink.events[0].fields["protocol"], "chargen");
}

TEST(ReflectorServer, BindErrorIsOneLine) {
    boost::asio::io_context io;
    CollectingSink sink;
    ReflectorServer first(io, testConfig(), sink);
    ASSERT_TRUE(first.start());
    auto config = testConfig();
    config.services.resize(1);
    config.services[0].port = first.localPort(0);
    ReflectorServer second(io, config, sink);
    auto result = second.start();
    ASSERT_FALSE(result);
    const std::string message = result.error().message;
    EXPECT_EQ(message.rfind("cannot listen on 127.0.0.1:" + std::to_string(first.localPort(0)) + ": ", 0), 0U)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);

    config.services[0].address = "not-an-address";
    ReflectorServer third(io, config, sink);
    EXPECT_FALSE(third.start());
    first.stop();
}

TEST(ReflectorServer, DefaultConfigListsFiveServices) {
    const auto config = defaultReflectorConfig();
    ASSERT_EQ(config.services.size(), 5U);
    EXPECT_EQ(config.services[0].port, 10053);
    EXPECT_EQ(config.services[4].port, 11211);
    for (const auto& s : config.services) {
        EXPECT_EQ(s.address, "127.0.0.1");
    }
    ReplyCap cap;
    EXPECT_EQ(cap.capFor(10), 512U);
    cap.max_amplification = 2;
    EXPECT_EQ(cap.capFor(10), 20U);
    EXPECT_EQ(cap.capFor(1000), 512U);
}

} // namespace
} // namespace kansoku::honeypot::reflector

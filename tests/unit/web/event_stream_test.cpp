// GET /api/v1/stream (server-sent events) through the real WebService, the EventHub's bounded
// per-client queues (a client that falls behind is dropped and counted; the others and the
// publisher go on), the local admin session's rules, and the dashboard parameters' checks.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "http_client.h"
#include "server_fixture.h"
#include "support/temp_dir.h"
#include "web/api_params.h"
#include "web/event_hub.h"
#include "web/local_session.h"
#include "web/web_service.h"

namespace kansoku::web::test {
namespace {

Event scanFrom(const std::string& src) {
    Event e{"darknet.scan", 1'796'000'400'000'000, "s1", {}};
    e.add("src", src);
    e.add("packets", 5);
    return e;
}

TEST(EventHub, ASlowClientIsDroppedAndTheOthersGoOn) {
    EventHub hub(4);
    auto slow = hub.subscribe({});
    auto fast = hub.subscribe({{"darknet.*"}, nullptr});
    int wakes = 0;
    fast->onReady([&wakes] { ++wakes; });
    size_t received = 0;
    for (int i = 0; i < 10; ++i) {
        hub.publish(scanFrom("198.51.100.1"));
        received += fast->take().size(); // the fast client keeps up
    }
    EXPECT_EQ(received, 10u);
    EXPECT_GE(wakes, 10);
    EXPECT_TRUE(slow->closed());
    EXPECT_FALSE(fast->closed());
    EXPECT_EQ(hub.counters().dropped.load(), 1u);
    EXPECT_EQ(hub.counters().clients.load(), 1u);
    fast->cancel();
    EXPECT_EQ(hub.counters().clients.load(), 0u);
}

TEST(EventHub, FiltersByTypeAndTenantSpace) {
    EventHub hub;
    auto alerts = hub.subscribe({{"alert"}, nullptr});
    AddressScope scope;
    scope.prefixes.push_back(*Prefix::parse("198.51.100.0/25"));
    auto tenant = hub.subscribe({{}, std::make_shared<const AddressScope>(scope)});
    hub.publish(scanFrom("198.51.100.7"));
    hub.publish(scanFrom("198.51.100.200"));
    hub.publish(Event{"alert", 1, "s1", {}});
    EXPECT_EQ(alerts->take().size(), 1u);
    const auto mine = tenant->take();
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_NE(mine[0]->find("198.51.100.7"), std::string::npos);
    EXPECT_TRUE(mine[0]->starts_with("id: 1\nevent: darknet.scan\ndata: {")) << *mine[0];
    EXPECT_TRUE(mine[0]->ends_with("}\n\n"));
}

TEST(StreamTypes, Patterns) {
    EXPECT_TRUE(streamTypeMatches({}, "x"));
    EXPECT_TRUE(streamTypeMatches({"honeypot.*"}, "honeypot.login"));
    EXPECT_FALSE(streamTypeMatches({"honeypot.*"}, "darknet.scan"));
    EXPECT_TRUE(streamTypeMatches({"alert", "sample"}, "sample"));
}

TEST(LocalSession, LoopbackPeerAndHostOnly) {
    EXPECT_TRUE(isLoopbackAddress("127.0.0.1"));
    EXPECT_TRUE(isLoopbackAddress("127.8.9.10"));
    EXPECT_TRUE(isLoopbackAddress("::1"));
    EXPECT_TRUE(isLoopbackAddress("::ffff:127.0.0.1"));
    EXPECT_FALSE(isLoopbackAddress("192.0.2.1"));
    EXPECT_FALSE(isLoopbackAddress("::2"));
    EXPECT_TRUE(isLoopbackHost("localhost:8470"));
    EXPECT_TRUE(isLoopbackHost("LocalHost"));
    EXPECT_TRUE(isLoopbackHost("127.0.0.1:8470"));
    EXPECT_TRUE(isLoopbackHost("[::1]:8470"));
    EXPECT_FALSE(isLoopbackHost("localhost.evil.example"));
    EXPECT_FALSE(isLoopbackHost("evil.example:8470"));
    EXPECT_FALSE(isLoopbackHost("[::1]x"));
    EXPECT_FALSE(isLoopbackHost(""));

    AdminKeyAuthenticator keys("k");
    LocalSessionAuthenticator local(keys, {"/api/v1/overview", "/api/v1/top"});
    Request r;
    r.client = "127.0.0.1";
    r.host = "127.0.0.1:8470";
    r.path = "/api/v1/top/sources";
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Admin);
    r.path = "/api/v1/isp/hosts"; // not the dashboard's: still needs a key
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.path = "/api/v1/topx";
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.path = "/api/v1/overview";
    r.authorization = "Bearer wrong"; // a wrong key is not promoted
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.authorization.clear();
    r.client = "192.0.2.1";
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.client = "127.0.0.1";
    r.host = "rebound.example";
    local.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
}

TEST(ApiParams, Checks) {
    const Timestamp now = 1'796'000'400'000'000;
    QueryParams p{{"from", "2h"}};
    auto range = timeRangeParam(p, now);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->to - range->from, 2 * 3600 * kMicrosPerSecond);
    p = {{"step", "5m"}};
    auto step = stepParam(p, *range, 2000);
    ASSERT_TRUE(step);
    EXPECT_EQ(*step, 300 * kMicrosPerSecond);
    for (const char* bad : {"0", "90s", "1x", "", "-5m", "99999999999999999999"}) {
        p = {{"step", bad}};
        EXPECT_FALSE(stepParam(p, *range, 2000)) << bad;
    }
    p = {{"step", "1m"}};
    EXPECT_FALSE(stepParam(p, {0, 3000 * 60 * kMicrosPerSecond}, 2000));
    EXPECT_FALSE(checkParamValues({{"a", std::string(300, 'x')}}));
    EXPECT_FALSE(checkParamValues({{"a", "x\r\nSet-Cookie: y"}}));
    EXPECT_TRUE(checkParamValues({{"a", "<script>"}}));
    EXPECT_TRUE(sha256Value(std::string(64, 'A')));
    EXPECT_EQ(*sha256Value(std::string(64, 'A')), std::string(64, 'a'));
    EXPECT_FALSE(sha256Value(std::string(63, 'a') + "g"));
    EXPECT_FALSE(nameValue("type", "a' OR '1", 64));
    EXPECT_TRUE(nameValue("type", "honeypot.*", 64));
}

// The stream over the real server: events published to the service arrive as SSE frames; a tenant
// gets only its own; the stream's metrics count the client.
class StreamServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        WebConfig config;
        config.port = 0;
        config.access_log = "";
        config.admin_key = "admin-key";
        auto service = WebService::start(config, status_, dir_.file("k.db"));
        ASSERT_TRUE(service) << service.error().message;
        service_ = std::move(*service);
    }
    FixedStatus status_;
    kansoku::testing::TempDir dir_;
    std::unique_ptr<WebService> service_;
};

std::string readUntil(RawClient& client, const std::string& needle) {
    std::string seen;
    for (int i = 0; i < 50 && seen.find(needle) == std::string::npos; ++i) {
        auto part = client.readSome(std::chrono::milliseconds(100));
        seen += part;
    }
    return seen;
}

TEST_F(StreamServerTest, EventsArriveAsServerSentEvents) {
    RawClient client(service_->port());
    ASSERT_TRUE(client.send("GET /api/v1/stream?key=admin-key&types=darknet.* HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string head = readUntil(client, "\r\n\r\n");
    EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    for (int i = 0; i < 50 && service_->hub().counters().clients.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    service_->events().publish(Event{"alert", 1, "s1", {}}); // not asked for
    service_->events().publish(scanFrom("198.51.100.7"));
    const std::string frames = readUntil(client, "\n\n");
    EXPECT_NE(frames.find("event: darknet.scan\ndata: {\"type\":\"darknet.scan\""), std::string::npos) << frames;
    EXPECT_EQ(frames.find("event: alert"), std::string::npos) << frames;

    auto metrics = fetch(service_->port(), "GET", "/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("kansoku_web_stream_clients 1"), std::string::npos);
    EXPECT_NE(metrics->body.find("kansoku_events_total{type=\"darknet.scan\"} 1"), std::string::npos);
}

TEST_F(StreamServerTest, NeedsAKey) {
    auto response = fetch(service_->port(), "GET", "/api/v1/stream", "");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 401u);
    response = fetch(service_->port(), "GET", "/api/v1/stream?key=wrong", "");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 401u);
    response = fetch(service_->port(), "GET", "/api/v1/stream?key=admin-key&types=a%0d%0ab", "");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400u);
}

// A client that never reads is closed (its queue fills, or its writes time out) while a reader that
// keeps up still gets every event, and publishing never waits.
TEST_F(StreamServerTest, ASlowReaderDoesNotHoldUpTheOthers) {
    RawClient slow(service_->port());
    RawClient fast(service_->port());
    ASSERT_TRUE(slow.send("GET /api/v1/stream?key=admin-key HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(fast.send("GET /api/v1/stream?key=admin-key HTTP/1.1\r\nHost: x\r\n\r\n"));
    for (int i = 0; i < 100 && service_->hub().counters().clients.load() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(service_->hub().counters().clients.load(), 2u);
    constexpr size_t kEvents = 5000;
    size_t frames = 0;
    std::thread reader([&fast, &frames] {
        std::string got;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (frames < kEvents && std::chrono::steady_clock::now() < deadline) {
            got += fast.readSome(std::chrono::milliseconds(50));
            for (size_t end = got.find("\n\n"); end != std::string::npos; end = got.find("\n\n")) {
                frames += got.substr(0, end).find("event: darknet.scan") != std::string::npos ? 1 : 0;
                got.erase(0, end + 2);
            }
        }
    });
    Event big = scanFrom("198.51.100.7");
    big.add("padding", std::string(4000, 'p')); // fills the slow client's socket buffers fast
    std::chrono::steady_clock::duration publishing{};
    for (size_t i = 0; i < kEvents; ++i) {
        const auto started = std::chrono::steady_clock::now();
        service_->events().publish(big);
        publishing += std::chrono::steady_clock::now() - started;
        if (i % 100 == 99) { // paced so the reader keeps up even on a loaded machine; the slow one never reads
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    reader.join();
    EXPECT_LT(publishing, std::chrono::seconds(5)); // never waited on a socket
    EXPECT_EQ(service_->hub().counters().dropped.load(), 1u);
    EXPECT_EQ(frames, 5000u);
}

} // namespace
} // namespace kansoku::web::test

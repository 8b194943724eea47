#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/http/http_parser.h"
#include "honeypot/http/http_persona.h"

namespace kansoku::honeypot::http {
namespace {

HttpRequestRecord parseOne(const std::string& text) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, out);
    parser.finish(out);
    return out.empty() ? HttpRequestRecord{} : out[0];
}

HttpPersona load(const std::string& name) {
    auto persona = HttpPersona::load(std::string(KANSOKU_SOURCE_DIR) + "/rules/http/personas/" + name);
    EXPECT_TRUE(persona) << persona.error().message;
    return persona ? *persona : HttpPersona{};
}

constexpr Timestamp kTs = 1'700'000'000'000'000; // 2023-11-14T22:13:20Z

TEST(HttpPersona, TplinkPages) {
    auto persona = load("tplink-wr841n.toml");
    ASSERT_EQ(persona.name, "tplink-wr841n");
    std::string root = persona.respond(parseOne("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), true, kTs);
    EXPECT_EQ(root.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << root;
    EXPECT_NE(root.find("Server: Router Webserver\r\n"), std::string::npos);
    EXPECT_NE(root.find("WWW-Authenticate: Basic realm=\"TP-LINK Wireless N Router WR841N\"\r\n"), std::string::npos);
    EXPECT_NE(root.find("Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n"), std::string::npos) << root;
    EXPECT_NE(root.find("Connection: close\r\n"), std::string::npos);
    EXPECT_NE(root.find("401 Unauthorized</H1>"), std::string::npos);

    std::string login = persona.respond(parseOne("GET /userRpm/LoginRpm.htm HTTP/1.1\r\nHost: a\r\n\r\n"), true, kTs);
    EXPECT_EQ(login.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_NE(login.find("<INPUT type=\"password\""), std::string::npos);

    std::string cgi = persona.respond(parseOne("GET /cgi-bin/luci HTTP/1.1\r\nHost: a\r\n\r\n"), true, kTs);
    EXPECT_EQ(cgi.rfind("HTTP/1.1 401 ", 0), 0u);
    std::string missing = persona.respond(parseOne("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"), false, kTs);
    EXPECT_EQ(missing.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
    EXPECT_NE(missing.find("Connection: keep-alive\r\n"), std::string::npos);
    // Content-Length is the body's length.
    size_t body_at = missing.find("\r\n\r\n") + 4;
    EXPECT_NE(missing.find("Content-Length: " + std::to_string(missing.size() - body_at) + "\r\n"), std::string::npos);
}

TEST(HttpPersona, DvrAndHeadAndGarbage) {
    auto persona = load("hisilicon-dvr.toml");
    EXPECT_TRUE(persona.keep_alive);
    std::string login = persona.respond(parseOne("HEAD /login.htm HTTP/1.1\r\nHost: a\r\n\r\n"), false, kTs);
    EXPECT_EQ(login.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_NE(login.find("Server: uc-httpd 1.0.0\r\n"), std::string::npos);
    EXPECT_EQ(login.substr(login.size() - 4), "\r\n\r\n"); // HEAD: no body
    std::string bad = persona.respond(parseOne(std::string("\x16\x03\x01\x00", 4)), true, kTs);
    EXPECT_EQ(bad.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
}

TEST(HttpPersona, Validation) {
    EXPECT_FALSE(HttpPersona::parse("server = \"x\"\n[[page]]\npath=\"/\"\n", "p.toml"));
    EXPECT_FALSE(HttpPersona::parse("name = \"x\"\n", "p.toml"));
    EXPECT_FALSE(HttpPersona::parse("name = \"x\"\n[[page]]\npath=\"nope\"\n", "p.toml"));
    EXPECT_FALSE(HttpPersona::parse("name = \"x\"\n[[page]]\npath=\"/\"\nstatus=999\n", "p.toml"));
    EXPECT_FALSE(HttpPersona::parse("name = \"x\"\n[headers]\nA = \"a\\r\\nB: b\"\n[[page]]\npath=\"/\"\n", "p.toml"));
    std::string huge =
        "name = \"x\"\n[[page]]\npath=\"/\"\nbody=\"" + std::string(kMaxPersonaBodyBytes + 1, 'a') + "\"\n";
    auto r = HttpPersona::parse(huge, "p.toml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("p.toml"), std::string::npos);
}

} // namespace
} // namespace kansoku::honeypot::http

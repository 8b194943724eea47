#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "common/asio.h"
#include "http_client.h"
#include "server_fixture.h"

namespace kansoku::web::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class TlsTest : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        cert_ = (dir_ / "cert.pem").string();
        key_ = (dir_ / "key.pem").string();
        const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                                    "-addext subjectAltName=IP:127.0.0.1 -keyout " +
                                    key_ + " -out " + cert_ + " 2>/dev/null";
        ASSERT_EQ(std::system(command.c_str()), 0) << "openssl req failed";
        config.tls_cert = cert_;
        config.tls_key = key_;
    }

    /// One HTTPS GET verified against the test's certificate.
    http::response<http::string_body> get(const std::string& target) {
        asio::io_context ioc;
        asio::ssl::context ctx(asio::ssl::context::tls_client);
        ctx.load_verify_file(cert_);
        ctx.set_verify_mode(asio::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        stream.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
        beast::get_lowest_layer(stream).connect({asio::ip::make_address("127.0.0.1"), port()});
        stream.handshake(asio::ssl::stream_base::client);
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        http::write(stream, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        return response;
    }

    std::string cert_;
    std::string key_;
};

TEST_F(TlsTest, ServesHttpsWithTheConfiguredCertificate) {
    start();
    EXPECT_EQ(server->url(), "https://127.0.0.1:" + std::to_string(port()) + "/");
    const auto response = get("/api/v1/status");
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response[http::field::content_type], "application/json");
    EXPECT_EQ(nlohmann::json::parse(response.body())["sensor"], "test-sensor");
    EXPECT_EQ(get("/nothing").result_int(), 404);
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsRefused) {
    start();
    auto r = fetch(port(), "GET", "/api/v1/status");
    EXPECT_FALSE(r && r->status == 200);
    for (int i = 0; i < 50 && metrics.tls_handshake_failures.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(metrics.tls_handshake_failures.load(), 1u);
}

TEST_F(TlsTest, BadCertificateOrKeyIsOneLineAtStart) {
    AdminKeyAuthenticator auth("");
    auto expectError = [&](const std::string& fragment) {
        auto r = HttpServer::start(config, Router{}, auth, metrics);
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
    };
    config.tls_cert = (dir_ / "missing.pem").string();
    expectError("tls_cert " + config.tls_cert + ": no such file");
    config.tls_cert = key_; // a key is not a certificate
    expectError("tls_cert " + key_);
    config.tls_cert = cert_;
    const auto other = (dir_ / "other.pem").string();
    ASSERT_EQ(std::system(("openssl genrsa -out " + other + " 2048 2>/dev/null").c_str()), 0);
    config.tls_key = other;
    expectError("tls_key " + other + ": not the PEM private key of tls_cert");
}

} // namespace
} // namespace kansoku::web::test

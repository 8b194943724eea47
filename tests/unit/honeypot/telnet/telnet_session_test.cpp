#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/telnet/telnet_session.h"
#include "telnet_fixtures.h"

namespace kansoku::honeypot::telnet {
namespace {

using fixtures::bytesOf;
using fixtures::fromHex;
using fixtures::toHex;

/// A stand-in shell: echoes the command back in brackets, `exit` closes, `bin` prints 0xFF bytes.
struct FakeShell final : TelnetSessionHandler {
    std::vector<LoginAttempt> attempts;
    std::vector<std::string> commands;

    void onLoginAttempt(const LoginAttempt& attempt) override { attempts.push_back(attempt); }
    void onLoggedIn(const LoginAttempt& attempt, TelnetWriter& out) override {
        out.write(attempt.username == "root" ? "# " : "$ ");
    }
    CommandAction onCommand(std::string_view line, bool, TelnetWriter& out) override {
        commands.emplace_back(line);
        if (line == "exit") {
            return CommandAction::Close;
        }
        if (line == "bin") {
            out.write(std::string_view("\x7f"
                                       "ELF\xff\n",
                                       6));
        } else {
            out.write("[" + std::string(line) + "]\n");
        }
        out.write("# ");
        return CommandAction::Continue;
    }
};

TelnetSessionConfig busyboxConfig() {
    TelnetSessionConfig config;
    config.login.login_prompt = "router login: ";
    return config;
}

TEST(TelnetSession, MiraiStyleLoginAndCommandsByteExact) {
    const TelnetSessionConfig config = busyboxConfig();
    const AcceptListedPolicy policy(std::vector<Credential>{{"root", "xc3511"}});
    FakeShell shell;
    TelnetSession session(config, policy, shell);
    std::string out;
    session.start(out);
    EXPECT_EQ(toHex(out), std::string(fixtures::kBusyBoxGreeting) + toHex("\r\nrouter login: "));
    out.clear();

    // What the captured netkit client sent, then a wrong try is not needed: root/xc3511 is listed.
    ASSERT_TRUE(session.feed(fromHex(fixtures::kNetkitToBusyBox), out));
    EXPECT_EQ(out, "root\r\nPassword: \r\n# "); // the password is not echoed
    ASSERT_EQ(shell.attempts.size(), 1U);
    EXPECT_TRUE(shell.attempts[0].success);
    EXPECT_EQ(shell.attempts[0].password, "xc3511");
    EXPECT_TRUE(session.loggedIn());
    out.clear();

    ASSERT_TRUE(session.feed(bytesOf(std::string_view("enable\r\0/bin/busybox ECCHI\r\n", 28)), out));
    EXPECT_EQ(shell.commands, (std::vector<std::string>{"enable", "/bin/busybox ECCHI"}));
    EXPECT_EQ(out, "enable\r\n[enable]\r\n# /bin/busybox ECCHI\r\n[/bin/busybox ECCHI]\r\n# ");
    out.clear();

    // Output is escaped: LF -> CR LF, 0xFF -> IAC IAC.
    ASSERT_TRUE(session.feed(bytesOf("bin\n"), out));
    EXPECT_EQ(toHex(out), toHex("bin\r\n\x7f"
                                "ELF\xff\xff\r\n# "));
    out.clear();

    EXPECT_FALSE(session.feed(bytesOf("exit\r\nls\r\n"), out));
    EXPECT_EQ(session.closeReason(), CloseReason::HandlerClosed);
    EXPECT_EQ(shell.commands.back(), "exit");
}

TEST(TelnetSession, EverySplitOfALoginGivesTheSameBytes) {
    const TelnetSessionConfig config = busyboxConfig();
    const AcceptAfterTriesPolicy policy(2);
    std::vector<uint8_t> input = fromHex(fixtures::kNetkitPort23ToBusyBox);
    const auto more = bytesOf("admin\r\nadmin\r\nsh\r\nbin\r\n");
    input.insert(input.end(), more.begin(), more.end());
    auto run = [&](size_t cut) {
        FakeShell shell;
        TelnetSession session(config, policy, shell);
        std::string out;
        session.start(out);
        session.feed(std::span(input.data(), cut), out);
        session.feed(std::span(input.data() + cut, input.size() - cut), out);
        return out + "|" + std::to_string(shell.attempts.size()) + "|" + std::to_string(shell.commands.size());
    };
    const std::string whole = run(input.size());
    EXPECT_NE(whole.find("Login incorrect"), std::string::npos);
    EXPECT_TRUE(whole.ends_with("|2|2")) << whole;
    for (size_t cut = 0; cut < input.size(); ++cut) {
        ASSERT_EQ(run(cut), whole) << "cut at " << cut;
    }
}

TEST(TelnetSession, AttemptLimitDisconnects) {
    const TelnetSessionConfig config = busyboxConfig();
    const AcceptListedPolicy policy(std::vector<Credential>{{"root", "xc3511"}});
    FakeShell shell;
    TelnetSession session(config, policy, shell);
    std::string out;
    session.start(out);
    EXPECT_FALSE(session.feed(bytesOf("root\r\n1\r\nroot\r\n2\r\nroot\r\n3\r\nroot\r\nxc3511\r\n"), out));
    EXPECT_EQ(shell.attempts.size(), 3U);
    EXPECT_EQ(session.closeReason(), CloseReason::LoginFailed);
    EXPECT_FALSE(session.loggedIn());
    EXPECT_TRUE(out.ends_with("Login incorrect\r\n"));
}

TEST(TelnetSession, Rfc1143ProfileEchoFollowsTheNegotiation) {
    TelnetSessionConfig config = busyboxConfig();
    config.codec.profile = TelnetProfile::Rfc1143;
    const AcceptAllPolicy policy;
    FakeShell shell;
    TelnetSession session(config, policy, shell);
    std::string out;
    session.start(out);
    out.clear();
    // DO ECHO, DO SGA, WILL NAWS + SB NAWS, WILL TTYPE + SB TTYPE IS "XTERM"
    ASSERT_TRUE(session.feed(fromHex("fffd01fffd03fffb1ffffa1f00840032fff0fffb18"), out));
    EXPECT_EQ(toHex(out), "fffa1801fff0"); // only the TTYPE SEND
    out.clear();
    ASSERT_TRUE(session.feed(fromHex("fffa18005854455246fff0"), out));
    EXPECT_EQ(session.codec().terminalType(), "XTERF");
    EXPECT_EQ(session.codec().windowWidth(), 132);
    EXPECT_EQ(session.codec().windowHeight(), 50);
    ASSERT_TRUE(session.feed(bytesOf("u\r\np\r\n"), out));
    EXPECT_EQ(out, "u\r\nPassword: \r\n$ ");
}

TEST(TelnetSession, IdleLoggedInSessionIsSmall) {
    const TelnetSessionConfig config = busyboxConfig();
    const AcceptAllPolicy policy;
    FakeShell shell;
    TelnetSession session(config, policy, shell);
    std::string out;
    session.start(out);
    // A long line, a large SB and a long password pass through; afterwards nothing is kept.
    std::vector<uint8_t> input = bytesOf("root\r\n" + std::string(900, 'p') + "\r\n" + std::string(1000, 'c') + "\r\n");
    const auto sb = fromHex("fffa1800" + std::string(800, '6') + "fff0" + // 400 'f': over the SB limit, dropped
                            "fffa1800" + std::string(120, '6') + "fff0"); // 60 'f': cut to 40;
    input.insert(input.end(), sb.begin(), sb.end());
    ASSERT_TRUE(session.feed(input, out));
    ASSERT_TRUE(session.loggedIn());
    EXPECT_EQ(session.counters().subnegotiation_overflows, 1U);
    // Only the terminal type the client sent stays (at most 40 characters).
    EXPECT_EQ(session.codec().terminalType(), std::string(40, 'f'));
    EXPECT_LE(session.heapBytes(), 41U);
    EXPECT_LE(sizeof(TelnetSession), 320U);
    std::printf("sizeof(TelnetSession) = %zu, sizeof(TelnetCodec) = %zu, sizeof(LoginFlow) = %zu, "
                "heap when idle = %zu\n",
                sizeof(TelnetSession), sizeof(TelnetCodec), sizeof(LoginFlow), session.heapBytes());
}

} // namespace
} // namespace kansoku::honeypot::telnet

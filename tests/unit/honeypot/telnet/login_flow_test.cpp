#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/telnet/login_flow.h"

namespace kansoku::honeypot::telnet {
namespace {

LoginFlowOptions personaOptions() {
    LoginFlowOptions options;
    options.banner = "\n";
    options.login_prompt = "router login: ";
    return options;
}

TEST(LoginFlow, ListedPairAcceptedAfterAWrongOne) {
    const LoginFlowOptions options = personaOptions();
    const AcceptListedPolicy policy(std::vector<Credential>{{"root", "xc3511"}});
    LoginFlow flow(options, policy);
    std::string out;
    TelnetWriter writer(out);
    flow.start(writer);
    EXPECT_EQ(out, "\r\nrouter login: ");
    out.clear();

    EXPECT_FALSE(flow.onLine("root", writer));
    EXPECT_EQ(out, "Password: ");
    EXPECT_EQ(flow.state(), LoginState::Password);
    EXPECT_FALSE(flow.echo());
    out.clear();

    auto attempt = flow.onLine("admin", writer);
    ASSERT_TRUE(attempt);
    EXPECT_EQ(attempt->username, "root");
    EXPECT_EQ(attempt->password, "admin");
    EXPECT_FALSE(attempt->success);
    EXPECT_EQ(attempt->attempt, 1U);
    EXPECT_EQ(out, "\r\nLogin incorrect\r\nrouter login: ");
    EXPECT_TRUE(flow.echo());
    out.clear();

    EXPECT_FALSE(flow.onLine("  root  trailing", writer)); // BusyBox: leading blanks skipped, cut at a blank
    attempt = flow.onLine("xc3511", writer);
    ASSERT_TRUE(attempt);
    EXPECT_EQ(attempt->username, "root");
    EXPECT_TRUE(attempt->success);
    EXPECT_EQ(attempt->attempt, 2U);
    EXPECT_EQ(flow.state(), LoginState::LoggedIn);
    EXPECT_EQ(flow.username(), "root");
    EXPECT_EQ(out, "Password: \r\n");
}

TEST(LoginFlow, AttemptLimitCloses) {
    LoginFlowOptions options = personaOptions();
    options.max_attempts = 3;
    const AcceptListedPolicy policy(std::vector<Credential>{});
    LoginFlow flow(options, policy);
    std::string out;
    TelnetWriter writer(out);
    flow.start(writer);
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(flow.active());
        flow.onLine("admin", writer);
        const auto attempt = flow.onLine("pw" + std::to_string(i), writer);
        ASSERT_TRUE(attempt);
        EXPECT_FALSE(attempt->success);
        EXPECT_EQ(attempt->attempt, static_cast<uint32_t>(i));
    }
    EXPECT_EQ(flow.state(), LoginState::Closed);
    EXPECT_EQ(flow.failures(), 3U);
    // The last words are "Login incorrect", with no new prompt.
    EXPECT_TRUE(out.ends_with("Password: \r\nLogin incorrect\r\n")) << out;
}

TEST(LoginFlow, AcceptAfterTriesCountsPriorSessions) {
    const LoginFlowOptions options = personaOptions();
    const AcceptAfterTriesPolicy policy(4);
    {
        LoginFlow flow(options, policy); // a fresh source: three failures
        std::string out;
        TelnetWriter writer(out);
        for (int i = 0; i < 3; ++i) {
            flow.onLine("u", writer);
            EXPECT_FALSE(flow.onLine("p", writer)->success);
        }
        EXPECT_EQ(flow.state(), LoginState::Closed);
    }
    LoginFlow again(options, policy, 3); // the server remembers 3 earlier attempts
    std::string out;
    TelnetWriter writer(out);
    again.onLine("u", writer);
    const auto attempt = again.onLine("p", writer);
    ASSERT_TRUE(attempt);
    EXPECT_TRUE(attempt->success);
    EXPECT_EQ(attempt->attempt, 4U);
}

TEST(LoginFlow, AcceptAllAndEmptyUsernames) {
    LoginFlowOptions options = personaOptions();
    options.max_empty_usernames = 3;
    const AcceptAllPolicy policy;
    LoginFlow flow(options, policy);
    std::string out;
    TelnetWriter writer(out);
    EXPECT_FALSE(flow.onLine("", writer));
    EXPECT_FALSE(flow.onLine(" \t", writer));
    EXPECT_EQ(out, "router login: router login: ");
    EXPECT_EQ(flow.state(), LoginState::Username);
    EXPECT_FALSE(flow.onLine("", writer));
    EXPECT_EQ(flow.state(), LoginState::Closed);

    LoginFlow open(options, policy);
    open.onLine("anyone", writer);
    const auto attempt = open.onLine("", writer); // an empty password is a password
    ASSERT_TRUE(attempt);
    EXPECT_TRUE(attempt->success);
    EXPECT_EQ(attempt->password, "");
}

TEST(LoginFlow, LongUsernameIsCut) {
    LoginFlowOptions options = personaOptions();
    options.max_username_length = 8;
    const AcceptAllPolicy policy;
    LoginFlow flow(options, policy);
    std::string out;
    TelnetWriter writer(out);
    flow.onLine(std::string(1000, 'u'), writer);
    const auto attempt = flow.onLine("p", writer);
    ASSERT_TRUE(attempt);
    EXPECT_EQ(attempt->username, std::string(8, 'u'));
}

} // namespace
} // namespace kansoku::honeypot::telnet

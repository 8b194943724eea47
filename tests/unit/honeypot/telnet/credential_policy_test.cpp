#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "honeypot/telnet/credential_policy.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot::telnet {
namespace {

std::string sharedDir() {
    const char* env = std::getenv("KANSOKU_SHARED");
    if (env != nullptr && *env != '\0') {
        return env;
    }
    return (std::filesystem::path(KANSOKU_SOURCE_DIR) / ".." / "shared").string();
}

TEST(CredentialParser, ParsesPairsEmptyPasswordsAndColonsInPasswords) {
    const auto parsed = parseCredentials("root:xc3511\n# comment\n\nadmin:\r\nuser:a:b\n", "list");
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->size(), 3U);
    EXPECT_EQ((*parsed)[0], (Credential{"root", "xc3511"}));
    EXPECT_EQ((*parsed)[1], (Credential{"admin", ""}));
    EXPECT_EQ((*parsed)[2], (Credential{"user", "a:b"}));
}

TEST(CredentialParser, ErrorsNameTheSourceAndLine) {
    auto r = parseCredentials("root:x\nnocolon\n", "creds.txt");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "creds.txt:2: expected user:password, got no ':' in \"nocolon\"");
    r = parseCredentials(":secret\n", "creds.txt");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "creds.txt:1: empty username in \":secret\"");
    r = parseCredentials(std::string_view("a:b\0c\n", 6), "creds.txt");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "creds.txt:1: NUL byte in credential line");
}

TEST(CredentialLoader, ReadsAFileAndReportsMissingOnes) {
    testing::TempDir dir;
    const std::string path = dir.file("creds.txt");
    std::ofstream(path) << "root:root\nguest:\n";
    const auto loaded = loadCredentials(path);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->size(), 2U);

    const auto missing = loadCredentials(dir.file("absent.txt"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("absent.txt: cannot be read"), std::string::npos) << missing.error().message;
    const auto directory = loadCredentials(dir.path().string());
    ASSERT_FALSE(directory);
    EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos);
}

TEST(CredentialPolicies, AcceptAllListedAndAfterTries) {
    const AcceptAllPolicy all;
    EXPECT_TRUE(all.accept({"x", "y", 1}));

    const AcceptListedPolicy listed(std::vector<Credential>{{"root", "xc3511"}, {"admin", ""}, {"root", "xc3511"}});
    EXPECT_EQ(listed.size(), 2U);
    EXPECT_TRUE(listed.accept({"root", "xc3511", 1}));
    EXPECT_TRUE(listed.accept({"admin", "", 7}));
    EXPECT_FALSE(listed.accept({"root", "XC3511", 1}));
    EXPECT_FALSE(listed.accept({"admin", "admin", 1}));
    EXPECT_FALSE(listed.accept({"roo", "txc3511", 1})); // the separator is not ambiguous

    const AcceptAfterTriesPolicy after(3);
    EXPECT_FALSE(after.accept({"a", "b", 1}));
    EXPECT_FALSE(after.accept({"a", "b", 2}));
    EXPECT_TRUE(after.accept({"a", "b", 3}));
    EXPECT_TRUE(after.accept({"a", "b", 4}));
    EXPECT_TRUE(AcceptAfterTriesPolicy(0).accept({"a", "b", 1}));
}

TEST(CredentialLoader, MiraiDefaultCredentials) {
    const std::string path = sharedDir() + "/data/credentials/mirai-default-credentials.txt";
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "no " << path << " (set KANSOKU_SHARED to the shared data directory)";
    }
    const auto loaded = loadCredentials(path);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->size(), 62U);
    const AcceptListedPolicy policy(*loaded);
    EXPECT_EQ(policy.size(), 60U); // guest:12345 and admin:1234 are listed twice
    EXPECT_TRUE(policy.accept({"root", "xc3511", 1}));
    EXPECT_TRUE(policy.accept({"root", "", 1}));
    EXPECT_TRUE(policy.accept({"admin", "", 1}));
    EXPECT_TRUE(policy.accept({"mother", "fucker", 1}));
    EXPECT_FALSE(policy.accept({"root", "toor", 1}));
}

} // namespace
} // namespace kansoku::honeypot::telnet

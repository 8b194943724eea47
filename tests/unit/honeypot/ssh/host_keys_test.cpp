#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "honeypot/ssh/host_keys.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot::ssh {
namespace {

mode_t modeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
}

TEST(HostKeysTest, GeneratesOnFirstStartAndReusesAfterwards) {
    kansoku::testing::TempDir tmp;
    std::string dir = tmp.file("keys");
    std::vector<HostKeyType> types{HostKeyType::Ed25519, HostKeyType::Ecdsa};
    auto first = loadOrGenerateHostKeys(dir, types);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->size(), 2u);
    EXPECT_EQ(modeOf(dir), 0700u);
    for (const auto& key : *first) {
        EXPECT_TRUE(key.generated);
        EXPECT_EQ(modeOf(key.path), 0600u);
        EXPECT_TRUE(key.fingerprint.starts_with("SHA256:")) << key.fingerprint;
    }
    EXPECT_EQ((*first)[0].path, dir + "/ssh_host_ed25519_key");
    EXPECT_NE((*first)[0].fingerprint, (*first)[1].fingerprint);

    auto second = loadOrGenerateHostKeys(dir, types);
    ASSERT_TRUE(second) << second.error().message;
    for (size_t i = 0; i < types.size(); ++i) {
        EXPECT_FALSE((*second)[i].generated);
        EXPECT_EQ((*second)[i].fingerprint, (*first)[i].fingerprint);
    }
}

TEST(HostKeysTest, FingerprintMatchesSshKeygen) {
    if (std::system("command -v ssh-keygen >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "ssh-keygen (openssh-client) is not installed";
    }
    kansoku::testing::TempDir tmp;
    auto keys = loadOrGenerateHostKeys(tmp.file("keys"), {HostKeyType::Ed25519});
    ASSERT_TRUE(keys) << keys.error().message;
    std::string command = "ssh-keygen -l -f " + (*keys)[0].path + " > " + tmp.file("out");
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(tmp.file("out"));
    std::string bits, fingerprint;
    in >> bits >> fingerprint;
    EXPECT_EQ(fingerprint, (*keys)[0].fingerprint);
}

TEST(HostKeysTest, RefusesKeysOthersCanReadAndBrokenFiles) {
    kansoku::testing::TempDir tmp;
    std::string dir = tmp.file("keys");
    auto keys = loadOrGenerateHostKeys(dir, {HostKeyType::Ed25519});
    ASSERT_TRUE(keys);
    ::chmod((*keys)[0].path.c_str(), 0644);
    auto open = loadOrGenerateHostKeys(dir, {HostKeyType::Ed25519});
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().message.find("group or others"), std::string::npos) << open.error().message;

    ::chmod((*keys)[0].path.c_str(), 0600);
    std::ofstream((*keys)[0].path, std::ios::trunc) << "not a key\n";
    auto broken = loadOrGenerateHostKeys(dir, {HostKeyType::Ed25519});
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("cannot read host key"), std::string::npos);

    std::ofstream(tmp.file("file")) << "x";
    EXPECT_FALSE(loadOrGenerateHostKeys(tmp.file("file"), {HostKeyType::Ed25519}));
    EXPECT_FALSE(parseHostKeyType("dsa"));
    EXPECT_EQ(*parseHostKeyType("rsa"), HostKeyType::Rsa);
}

} // namespace
} // namespace kansoku::honeypot::ssh

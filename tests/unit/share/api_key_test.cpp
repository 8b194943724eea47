#include <set>

#include <gtest/gtest.h>

#include "share/isp/api_key.h"

namespace kansoku::share::isp {
namespace {

TEST(ApiKeyTest, KeysArePrintable256BitAndDistinct) {
    std::set<std::string> keys;
    for (int i = 0; i < 100; ++i) {
        auto key = generateApiKey();
        ASSERT_TRUE(key);
        ASSERT_EQ(key->size(), kApiKeyPrefix.size() + 43); // 256 bits in base64url, unpadded
        EXPECT_TRUE(key->starts_with(kApiKeyPrefix));
        for (const char c : key->substr(kApiKeyPrefix.size())) {
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << *key;
        }
        keys.insert(*key);
    }
    EXPECT_EQ(keys.size(), 100u);
}

TEST(ApiKeyTest, HashIsSha256Hex) {
    // FIPS 180-2 appendix B.1 ("abc").
    EXPECT_EQ(apiKeyHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_NE(apiKeyHash("ksk_a"), apiKeyHash("ksk_b"));
}

} // namespace
} // namespace kansoku::share::isp

#include "share/secret_token.h"

#include <array>

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace kansoku::share {
namespace {

constexpr size_t kSecretBytes = 32; // 256 bits

/// Unpadded base64url (RFC 4648 section 5).
std::string base64Url(const unsigned char* data, size_t size) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((size * 4 + 2) / 3);
    uint32_t bits = 0;
    int count = 0;
    for (size_t i = 0; i < size; ++i) {
        bits = (bits << 8) | data[i];
        count += 8;
        while (count >= 6) {
            count -= 6;
            out.push_back(kAlphabet[(bits >> count) & 0x3f]);
        }
    }
    if (count > 0) {
        out.push_back(kAlphabet[(bits << (6 - count)) & 0x3f]);
    }
    return out;
}

} // namespace

Result<std::string> generateSecretToken(std::string_view prefix) {
    std::array<unsigned char, kSecretBytes> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        return fail("cannot generate a secret: OpenSSL's random generator failed");
    }
    return std::string(prefix) + base64Url(random.data(), random.size());
}

std::string secretTokenHash(std::string_view token) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(digest.size() * 2);
    for (const unsigned char byte : digest) {
        hex.push_back(kHex[byte >> 4]);
        hex.push_back(kHex[byte & 0x0f]);
    }
    return hex;
}

} // namespace kansoku::share

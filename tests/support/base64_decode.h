#pragma once

// Standard base64 decoding (RFC 4648 section 4) for tests that check `<field>_b64` round-trips
// (common/attacker_text.h). Stops at the first '='; characters outside the alphabet are a test bug.

#include <cstdint>
#include <string>
#include <string_view>

namespace kansoku::testing {

inline std::string base64Decode(std::string_view text) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        if (c == '=') {
            break;
        }
        bits = (bits << 6) | static_cast<uint32_t>(kAlphabet.find(c));
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    return out;
}

} // namespace kansoku::testing

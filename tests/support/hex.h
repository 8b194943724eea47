#pragma once

// Hex fixtures (PcapPlusPlus style): bytes written as hex in the test, compared as hex.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::testing {

/// Parses hex digits, ignoring spaces and newlines; throws on anything else (a broken fixture,
/// not input).
inline std::vector<uint8_t> fromHex(std::string_view hex) {
    std::vector<uint8_t> out;
    int high = -1;
    for (const char ch : hex) {
        int nibble = -1;
        if (ch >= '0' && ch <= '9') {
            nibble = ch - '0';
        } else if (ch >= 'a' && ch <= 'f') {
            nibble = ch - 'a' + 10;
        } else if (ch >= 'A' && ch <= 'F') {
            nibble = ch - 'A' + 10;
        } else if (ch == ' ' || ch == '\n') {
            continue;
        } else {
            throw std::invalid_argument("bad hex fixture character");
        }
        if (high < 0) {
            high = nibble;
        } else {
            out.push_back(static_cast<uint8_t>((high << 4) | nibble));
            high = -1;
        }
    }
    if (high >= 0) {
        throw std::invalid_argument("odd number of hex digits in fixture");
    }
    return out;
}

/// Lower-case hex of bytes, no separators.
inline std::string toHex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<uint8_t>(c);
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0xfU]);
    }
    return hex;
}

} // namespace kansoku::testing

#pragma once

/// Hostile bytes made safe to print and to put in JSON: printable ASCII stays, every other byte
/// (and the backslash) becomes \xNN. nlohmann::json throws on invalid UTF-8 when dumping, and a
/// sample's DNS names, paths and argv are whatever bytes it chose.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace kansoku {

inline std::string escapeNonPrintable(std::string_view text, size_t max_bytes = std::numeric_limits<size_t>::max()) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
    for (const char c : text.substr(0, max_bytes)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out.push_back(c);
        } else {
            out += "\\x";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0f]);
        }
    }
    return out;
}

} // namespace kansoku

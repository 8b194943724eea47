#include "honeypot/http/http_decode.h"

#include <array>
#include <cstdint>

#include "common/hex.h"

namespace kansoku::honeypot::http {

namespace {

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

std::string percentDecode(std::string_view text, bool plus_as_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size() && hexDigitValue(text[i + 1]) >= 0 && hexDigitValue(text[i + 2]) >= 0) {
            out += static_cast<char>(hexDigitValue(text[i + 1]) * 16 + hexDigitValue(text[i + 2]));
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string htmlEntityDecode(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed{
        {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}}};
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        std::string_view rest = text.substr(i + 1);
        bool done = false;
        for (const auto& [name, value] : kNamed) {
            if (rest.substr(0, name.size()) == name) {
                out += value;
                i += name.size();
                done = true;
                break;
            }
        }
        if (!done && !rest.empty() && rest[0] == '#') {
            bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
            size_t k = hex ? 2 : 1;
            uint32_t cp = 0;
            size_t digits = 0;
            while (k < rest.size() && digits < 8) {
                int v = hex ? hexDigitValue(rest[k]) : (rest[k] >= '0' && rest[k] <= '9' ? rest[k] - '0' : -1);
                if (v < 0) {
                    break;
                }
                cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
                ++k;
                ++digits;
            }
            if (digits > 0 && k < rest.size() && rest[k] == ';' && cp > 0 && cp <= 0x10FFFF &&
                !(cp >= 0xD800 && cp <= 0xDFFF)) {
                appendUtf8(out, cp);
                i += k + 1;
                done = true;
            }
        }
        if (!done) {
            out += '&';
        }
    }
    return out;
}

std::string decodeOnce(std::string_view text, bool plus_as_space) {
    return htmlEntityDecode(percentDecode(text, plus_as_space));
}

std::string toLowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

} // namespace kansoku::honeypot::http

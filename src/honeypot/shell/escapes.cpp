#include "honeypot/shell/escapes.h"

#include <cstdlib>

#include "common/hex.h"

namespace kansoku::honeypot::shell {
namespace {

bool isOctal(char c) {
    return c >= '0' && c <= '7';
}

/// Reads up to `max` octal digits from text[i...]; advances i.
unsigned readOctal(std::string_view text, size_t& i, size_t max) {
    unsigned value = 0;
    for (size_t k = 0; k < max && i < text.size() && isOctal(text[i]); ++k, ++i) {
        value = value * 8 + static_cast<unsigned>(text[i] - '0');
    }
    return value;
}

/// One escape at text[i] == '\\'. Returns false for \c. Advances i past the escape.
bool appendEscape(std::string_view text, size_t& i, std::string& out) {
    if (i + 1 >= text.size()) {
        out += '\\';
        ++i;
        return true;
    }
    const char c = text[i + 1];
    i += 2;
    switch (c) {
    case 'a':
        out += '\a';
        return true;
    case 'b':
        out += '\b';
        return true;
    case 'c':
        return false;
    case 'e':
        out += '\x1b';
        return true;
    case 'f':
        out += '\f';
        return true;
    case 'n':
        out += '\n';
        return true;
    case 'r':
        out += '\r';
        return true;
    case 't':
        out += '\t';
        return true;
    case 'v':
        out += '\v';
        return true;
    case '\\':
        out += '\\';
        return true;
    case 'x': {
        int value = 0;
        size_t digits = 0;
        while (digits < 2 && i < text.size() && hexDigitValue(text[i]) >= 0) {
            value = value * 16 + hexDigitValue(text[i]);
            ++i;
            ++digits;
        }
        if (digits == 0) {
            out += "\\x";
        } else {
            out += static_cast<char>(value);
        }
        return true;
    }
    case '0':
        out += static_cast<char>(readOctal(text, i, 3) & 0xff);
        return true;
    default:
        if (c >= '1' && c <= '7') {
            --i;
            out += static_cast<char>(readOctal(text, i, 3) & 0xff);
            return true;
        }
        out += '\\';
        out += c;
        return true;
    }
}

} // namespace

bool appendEchoEscapes(std::string_view text, std::string& out) {
    size_t i = 0;
    while (i < text.size()) {
        const size_t slash = text.find('\\', i);
        if (slash == std::string_view::npos) {
            out.append(text.substr(i));
            return true;
        }
        out.append(text.substr(i, slash - i));
        i = slash;
        if (!appendEscape(text, i, out)) {
            return false;
        }
    }
    return true;
}

std::string formatPrintf(std::string_view format, const std::string* args, size_t arg_count, size_t max_bytes) {
    std::string out;
    size_t next_arg = 0;
    // Bounded: the format is used once more only while it consumes arguments.
    do {
        const size_t before = next_arg;
        size_t i = 0;
        while (i < format.size()) {
            const char c = format[i];
            if (c == '\\') {
                if (!appendEscape(format, i, out)) {
                    return out;
                }
                continue;
            }
            if (c != '%' || i + 1 >= format.size()) {
                out += c;
                ++i;
                continue;
            }
            // Skip flags, width and precision: "%-10s" prints like "%s" here.
            size_t j = i + 1;
            while (j < format.size() && std::string_view("-+ #0123456789.").find(format[j]) != std::string_view::npos) {
                ++j;
            }
            if (j >= format.size()) {
                out.append(format.substr(i));
                break;
            }
            const char conversion = format[j];
            const std::string arg = next_arg < arg_count ? args[next_arg] : std::string();
            i = j + 1;
            switch (conversion) {
            case '%':
                out += '%';
                continue;
            case 's':
                out += arg;
                break;
            case 'b':
                appendEchoEscapes(arg, out);
                break;
            case 'c':
                if (!arg.empty()) {
                    out += arg[0];
                }
                break;
            case 'd':
            case 'i':
            case 'u':
                out += std::to_string(std::strtoll(arg.c_str(), nullptr, 0));
                break;
            default:
                out += '%';
                out += conversion;
                continue;
            }
            if (next_arg < arg_count) {
                ++next_arg;
            }
        }
        if (next_arg == before || out.size() >= max_bytes) {
            break;
        }
    } while (next_arg < arg_count);
    if (out.size() > max_bytes) {
        out.resize(max_bytes);
    }
    return out;
}

} // namespace kansoku::honeypot::shell

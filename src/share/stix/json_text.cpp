#include "share/stix/json_text.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::share::stix {
namespace {

/// Decodes one UTF-8 sequence at `i` (advancing it); invalid bytes count as themselves.
uint32_t nextCodePoint(std::string_view s, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 1;
    if (i + length > s.size()) {
        length = 1;
    }
    uint32_t cp = length == 1 ? b0 : length == 2 ? (b0 & 0x1F) : length == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t k = 1; k < length; ++k) {
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    return cp;
}

/// The UTF-16 code units of a UTF-8 string (RFC 8785 section 3.2.3 sorts by them).
std::vector<uint16_t> utf16(std::string_view s) {
    std::vector<uint16_t> units;
    units.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const uint32_t cp = nextCodePoint(s, i);
        if (cp >= 0x10000) {
            units.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
            units.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
            units.push_back(static_cast<uint16_t>(cp));
        }
    }
    return units;
}

/// A JSON string: only the escapes JSON requires (RFC 8259 section 7; RFC 8785 section 3.2.2.2), plain runs copied
/// whole.
void writeString(std::string& out, std::string_view s) {
    out += '"';
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

bool plainAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void writeText(std::string& out, const std::string& s, JsonForm form) {
    if (form == JsonForm::Compact && !plainAscii(s)) {
        out += nlohmann::ordered_json(s).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        return;
    }
    writeString(out, s);
}

void write(std::string& out, const nlohmann::ordered_json& value, JsonForm form) {
    switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
        const auto& object = value.get_ref<const nlohmann::ordered_json::object_t&>();
        out += '{';
        if (form == JsonForm::Compact) {
            bool first = true;
            for (const auto& [name, member] : object) {
                out += first ? "" : ",";
                first = false;
                writeText(out, name, form);
                out += ':';
                write(out, member, form);
            }
        } else {
            std::vector<std::pair<std::vector<uint16_t>, const nlohmann::ordered_json::object_t::value_type*>> members;
            members.reserve(object.size());
            for (const auto& member : object) {
                members.emplace_back(utf16(member.first), &member);
            }
            std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            for (size_t i = 0; i < members.size(); ++i) {
                out += i > 0 ? "," : "";
                writeString(out, members[i].second->first);
                out += ':';
                write(out, members[i].second->second, form);
            }
        }
        out += '}';
        return;
    }
    case nlohmann::ordered_json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value) {
            out += first ? "" : ",";
            first = false;
            write(out, item, form);
        }
        out += ']';
        return;
    }
    case nlohmann::ordered_json::value_t::string:
        writeText(out, value.get_ref<const std::string&>(), form);
        return;
    case nlohmann::ordered_json::value_t::number_integer:
        fmt::format_to(std::back_inserter(out), "{}", value.get<int64_t>());
        return;
    case nlohmann::ordered_json::value_t::number_unsigned:
        fmt::format_to(std::back_inserter(out), "{}", value.get<uint64_t>());
        return;
    default:
        out += value.dump(); // null, booleans, floating point
        return;
    }
}

} // namespace

void appendJson(std::string& out, const nlohmann::ordered_json& value, JsonForm form) {
    write(out, value, form);
}

} // namespace kansoku::share::stix

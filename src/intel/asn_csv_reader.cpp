#include "intel/asn_csv_reader.h"

#include <array>
#include <charconv>
#include <utility>

namespace kansoku::intel {
namespace {

constexpr std::size_t kFields = 4;
/// Longest line quoted back in an error.
constexpr std::size_t kMaxQuotedChars = 60;

std::string quoted(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, kMaxQuotedChars)) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(byte < 0x20 || byte >= 0x7f ? '?' : c);
    }
    return text.size() > kMaxQuotedChars ? out + "..." : out;
}

/// Length of the UTF-8 sequence (RFC 3629 section 4) at the start of `text`, 0 if it is not one
/// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view text) {
    const auto lead = static_cast<unsigned char>(text[0]);
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xbf;
    if (lead < 0x80) {
        return 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        second_min = lead == 0xe0 ? 0xa0 : 0x80;
        second_max = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        second_min = lead == 0xf0 ? 0x90 : 0x80;
        second_max = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (text.size() < length) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const unsigned char low = i == 1 ? second_min : 0x80;
        const unsigned char high = i == 1 ? second_max : 0xbf;
        if (byte < low || byte > high) {
            return 0;
        }
    }
    return length;
}

/// Why `name` is not an acceptable AS name, or empty.
std::string_view nameProblem(std::string_view name) {
    if (name.size() > kMaxAsNameBytes) {
        return "AS name too long";
    }
    for (std::size_t i = 0; i < name.size();) {
        const auto byte = static_cast<unsigned char>(name[i]);
        if (byte < 0x20 || byte == 0x7f) {
            return "control character in the AS name";
        }
        const std::size_t length = utf8Length(name.substr(i));
        if (length == 0) {
            return "AS name is not UTF-8";
        }
        i += length;
    }
    return {};
}

/// Splits one line into its fields, unquoting quoted ones into `storage` (RFC 4180 section 2).
/// Returns the number of fields found, or an error reason.
Result<std::size_t> splitFields(std::string_view line, std::array<std::string_view, kFields>& fields,
                                std::string& storage) {
    std::size_t count = 0;
    std::size_t at = 0;
    while (true) {
        if (count == kFields) {
            return fail("more than {} fields", kFields);
        }
        if (at < line.size() && line[at] == '"') {
            storage.clear();
            std::size_t i = at + 1;
            while (true) {
                const std::size_t quote = line.find('"', i);
                if (quote == std::string_view::npos) {
                    return fail("unterminated quoted field");
                }
                storage.append(line.substr(i, quote - i));
                if (quote + 1 < line.size() && line[quote + 1] == '"') {
                    storage.push_back('"');
                    i = quote + 2;
                    continue;
                }
                at = quote + 1;
                break;
            }
            fields[count++] = storage; // only the name may be quoted in practice; one buffer is enough
            if (count != kFields) {
                return fail("quoted field {} (only the AS name may be quoted)", count);
            }
            if (at != line.size() && line[at] != ',') {
                return fail("text after a closing quote");
            }
        } else {
            const std::size_t comma = line.find(',', at);
            const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
            const std::string_view field = line.substr(at, end - at);
            if (field.find('"') != std::string_view::npos) {
                return fail("quote inside an unquoted field");
            }
            fields[count++] = field;
            at = end;
        }
        if (at == line.size()) {
            return count;
        }
        ++at; // the comma
    }
}

} // namespace

AsnCsvReader::AsnCsvReader(std::string_view text, AddressFamily family, std::string origin)
    : text_(text), family_(family), origin_(std::move(origin)) {}

Result<bool> AsnCsvReader::next(AsnCsvRow& row) {
    if (offset_ >= text_.size()) {
        return false;
    }
    const std::size_t newline = text_.find('\n', offset_);
    if (newline == std::string_view::npos) {
        return fail("asn csv {}: line {}: no line end (truncated file?): {}", origin_, line_ + 1,
                    quoted(text_.substr(offset_)));
    }
    std::string_view line = text_.substr(offset_, newline - offset_);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    row.line = line_ + 1;
    auto parsed = parseLine(line, row);
    if (!parsed) {
        return fail("asn csv {}: line {}: {}: {}", origin_, row.line, parsed.error().message, quoted(line));
    }
    ++line_;
    offset_ = newline + 1;
    return true;
}

Result<void> AsnCsvReader::parseLine(std::string_view line, AsnCsvRow& row) const {
    std::array<std::string_view, kFields> fields;
    std::string name;
    auto count = splitFields(line, fields, name);
    if (!count) {
        return fail(std::move(count).error());
    }
    if (*count != kFields) {
        return fail("{} fields, expected {} (first,last,asn,name)", *count, kFields);
    }
    const bool want_v4 = family_ == AddressFamily::Ipv4;
    for (int i = 0; i < 2; ++i) {
        const auto address = IpAddress::parse(fields[i]);
        if (!address) {
            return fail("{} address is not an IP address", i == 0 ? "first" : "last");
        }
        if (address->isV4() != want_v4) {
            return fail("{} address is not IPv{}", i == 0 ? "first" : "last", want_v4 ? 4 : 6);
        }
        (i == 0 ? row.first : row.last) = *address;
    }
    if (row.last < row.first) {
        return fail("range ends before it starts");
    }
    const std::string_view asn = fields[2];
    const auto [end, ec] = std::from_chars(asn.data(), asn.data() + asn.size(), row.asn);
    if (asn.empty() || ec != std::errc{} || end != asn.data() + asn.size()) {
        return fail("AS number is not a decimal below 2^32");
    }
    if (const std::string_view problem = nameProblem(fields[3]); !problem.empty()) {
        return fail("{}", problem);
    }
    row.name.assign(fields[3]);
    return {};
}

} // namespace kansoku::intel

#include "share/blocklist/blocklist_format.h"

#include <array>

#include <fmt/format.h>

namespace kansoku::share::blocklist {
namespace {

/// RFC 3339 UTC to the second: feeds need no microseconds.
std::string seconds(Timestamp ts) {
    const std::string text = formatRfc3339(ts);
    return text.substr(0, 19) + "Z";
}

std::string header(const Blocklist& blocklist, std::string_view comment) {
    return fmt::format("{0} kansoku blocklist: C2 endpoints and active infected hosts (docs/blocklists.md)\n"
                       "{0} generated {1}, {2} entries\n",
                       comment, seconds(blocklist.generated), blocklist.entries.size());
}

std::string describe(const BlocklistEntry& entry) {
    return fmt::format("{} family={} last_seen={} expires={}", entry.reason, entry.family, seconds(entry.last_seen),
                       seconds(entry.expires));
}

/// A CSV field (RFC 4180 section 2): quoted when it holds a comma, quote or line break.
std::string csvField(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

} // namespace

std::optional<BlocklistFormat> parseBlocklistFormat(std::string_view name) {
    if (name == "txt") {
        return BlocklistFormat::Text;
    }
    if (name == "csv") {
        return BlocklistFormat::Csv;
    }
    if (name == "rpz") {
        return BlocklistFormat::Rpz;
    }
    return std::nullopt;
}

std::string_view blocklistContentType(BlocklistFormat format) {
    switch (format) {
    case BlocklistFormat::Csv:
        return "text/csv; charset=utf-8; header=present"; // RFC 7111 / RFC 4180
    case BlocklistFormat::Rpz:
        return "text/dns"; // RFC 4027: zone file (master file) format
    case BlocklistFormat::Text:
        break;
    }
    return "text/plain; charset=utf-8";
}

std::string formatText(const Blocklist& blocklist) {
    std::string out = header(blocklist, "#");
    for (const auto& entry : blocklist.entries) {
        out += fmt::format("# {}\n{}\n", describe(entry), entry.indicator);
    }
    return out;
}

std::string formatCsv(const Blocklist& blocklist) {
    std::string out = "indicator,type,reason,family,first_seen,last_seen,expires\r\n";
    for (const auto& entry : blocklist.entries) {
        out += fmt::format("{},{},{},{},{},{},{}\r\n", csvField(entry.indicator), indicatorTypeName(entry.type),
                           csvField(entry.reason), csvField(entry.family), seconds(entry.first_seen),
                           seconds(entry.last_seen), seconds(entry.expires));
    }
    return out;
}

std::string rpzIpTrigger(const IpAddress& address) {
    if (address.isV4()) {
        const uint32_t a = address.v4();
        return fmt::format("32.{}.{}.{}.{}.rpz-ip", a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >> 24);
    }
    std::array<uint16_t, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) {
        groups[i] = static_cast<uint16_t>((address.bytes()[2 * i] << 8) | address.bytes()[2 * i + 1]);
    }
    // The longest run of two or more zero groups (the first of equals) is "zz", as "::" in RFC 5952.
    std::size_t run_start = 8;
    std::size_t run_length = 1;
    for (std::size_t i = 0; i < 8;) {
        std::size_t j = i;
        while (j < 8 && groups[j] == 0) {
            ++j;
        }
        if (j - i > run_length) {
            run_start = i;
            run_length = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    std::string out = "128";
    for (std::size_t k = 8; k-- > 0;) {
        if (k >= run_start && k < run_start + run_length) {
            if (k == run_start) {
                out += ".zz";
            }
            continue;
        }
        out += fmt::format(".{:x}", groups[k]);
    }
    return out + ".rpz-ip";
}

std::string formatRpz(const Blocklist& blocklist, const BlocklistConfig& config) {
    std::string zone = config.rpz_zone;
    if (zone.empty() || zone.back() != '.') {
        zone += '.';
    }
    const int64_t ttl = config.rpz_ttl.seconds();
    const auto serial = static_cast<uint32_t>(blocklist.generated / kMicrosPerSecond);
    std::string out = header(blocklist, ";");
    // SOA timers: refresh 1 h, retry 15 min, expire 1 week, negative TTL = the records' TTL.
    out += fmt::format("$ORIGIN {0}\n$TTL {1}\n@ IN SOA localhost. hostmaster.localhost. ({2} 3600 900 604800 {1})\n"
                       "@ IN NS localhost.\n",
                       zone, ttl, serial);
    std::size_t too_long = 0;
    for (const auto& entry : blocklist.entries) {
        std::string owner = entry.indicator;
        if (entry.type == IndicatorType::Ip) {
            owner = rpzIpTrigger(*IpAddress::parse(entry.indicator));
        } else if (owner.size() + 1 + zone.size() > 254) {
            ++too_long; // the owner name would exceed 255 octets (RFC 1035 section 2.3.4)
            continue;
        }
        out += fmt::format("; {} {}\n{} CNAME .\n", entry.indicator, describe(entry), owner);
    }
    if (too_long > 0) {
        out += fmt::format("; {} domains left out: too long under {}\n", too_long, zone);
    }
    return out;
}

std::string formatBlocklist(const Blocklist& blocklist, BlocklistFormat format, const BlocklistConfig& config) {
    switch (format) {
    case BlocklistFormat::Csv:
        return formatCsv(blocklist);
    case BlocklistFormat::Rpz:
        return formatRpz(blocklist, config);
    case BlocklistFormat::Text:
        break;
    }
    return formatText(blocklist);
}

} // namespace kansoku::share::blocklist

#include "share/misp/misp_feed_reader.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/ip_address.h"
#include "share/blocklist/indicator_policy.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_tag.h"

namespace kansoku::share::misp {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxDepth = 32;              ///< MISP events nest 5 deep; deeper is hostile
constexpr int64_t kMaxSeconds = 253402300799; ///< 9999-12-31T23:59:59Z
constexpr size_t kMaxName = 256;              ///< of the event info kept as the indicator's name

/// Deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past `limit`.
size_t nesting(std::string_view text, size_t limit) {
    size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit) {
                return deepest;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// Seconds since the epoch from a MISP number (an integer, or a string of digits), in range.
std::optional<int64_t> seconds(const Json& value) {
    int64_t s = -1;
    if (value.is_number_unsigned() || value.is_number_integer()) {
        if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(kMaxSeconds)) {
            return std::nullopt;
        }
        s = value.get<int64_t>();
    } else if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        s = std::stoll(text);
    } else {
        return std::nullopt;
    }
    if (s < 0 || s > kMaxSeconds) {
        return std::nullopt;
    }
    return s;
}

/// A UUID in any case, lower-cased; nullopt otherwise.
std::optional<std::string> uuidOf(const Json& value) {
    if (!value.is_string()) {
        return std::nullopt;
    }
    std::string text = value.get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return isEventUuid(text) ? std::optional<std::string>(std::move(text)) : std::nullopt;
}

/// The strictest TLP of a Tag array; nullopt when none is a TLP tag (or it is not an array).
std::optional<stix::Tlp> tlpOfTags(const Json& holder) {
    const auto tags = holder.find("Tag");
    if (tags == holder.end() || !tags->is_array()) {
        return std::nullopt;
    }
    std::optional<stix::Tlp> tlp;
    for (const Json& tag : *tags) {
        const auto name = tag.is_object() ? tag.find("name") : tag.end();
        if (name == tag.end() || !name->is_string()) {
            continue;
        }
        if (const auto t = tlpOfTag(name->get_ref<const std::string&>())) {
            tlp = tlp ? stix::stricter(*tlp, *t) : *t;
        }
    }
    return tlp;
}

/// to_ids as MISP writes it (a boolean) or as some feeds do ("1", "0", 1, 0, "true", "false").
bool toIds(const Json& attribute) {
    const auto it = attribute.find("to_ids");
    if (it == attribute.end()) {
        return false;
    }
    if (it->is_boolean()) {
        return it->get<bool>();
    }
    if (it->is_number_integer()) {
        return it->get<int64_t>() == 1;
    }
    return it->is_string() && (*it == "1" || *it == "true");
}

bool truthy(const Json& attribute, const char* key) {
    const auto it = attribute.find(key);
    return it != attribute.end() && ((it->is_boolean() && it->get<bool>()) || (it->is_string() && *it == "1") ||
                                     (it->is_number_integer() && it->get<int64_t>() == 1));
}

struct Match {
    std::string kind;
    std::string value;
};

/// An IPv4 address or CIDR as kansoku matches it; a reason when it is not one.
std::variant<Match, std::string_view> ipv4(std::string_view text) {
    const size_t slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        return std::string_view("bad value");
    }
    if (!address->isV4()) {
        return std::string_view("ipv6 not matched");
    }
    if (slash == std::string_view::npos) {
        return Match{"ipv4", address->toString()};
    }
    const std::string_view length_text = text.substr(slash + 1);
    if (length_text.empty() || length_text.size() > 2 ||
        length_text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::string_view("bad value");
    }
    const int length = std::stoi(std::string(length_text));
    if (length > 32) {
        return std::string_view("bad value");
    }
    if (length == 32) {
        return Match{"ipv4", address->toString()};
    }
    const uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
    return Match{"ipv4-net", IpAddress::fromV4(address->v4() & mask).toString() + "/" + std::to_string(length)};
}

std::variant<Match, std::string_view> domain(std::string_view text) {
    auto name = blocklist::listableDomain(text);
    if (!name) {
        return std::string_view("bad value");
    }
    return Match{"domain", std::move(*name)};
}

std::variant<Match, std::string_view> sha256(std::string_view text) {
    if (text.size() != 64 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
        return std::string_view("bad value");
    }
    std::string value(text);
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
    return Match{"sha256", std::move(value)};
}

/// The part of a composite value `a|b` (MISP composite types), or nullopt when it has not two parts.
std::optional<std::string_view> part(std::string_view value, int index) {
    const size_t bar = value.find('|');
    if (bar == std::string_view::npos || value.find('|', bar + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return index == 0 ? value.substr(0, bar) : value.substr(bar + 1);
}

/// The values kansoku matches of one attribute, or why it has none.
std::variant<std::vector<Match>, std::string_view> matchesOf(std::string_view type, std::string_view value) {
    std::vector<Match> out;
    const auto one = [&out](std::variant<Match, std::string_view> m) -> std::optional<std::string_view> {
        if (auto* reason = std::get_if<std::string_view>(&m)) {
            return *reason;
        }
        out.push_back(std::move(std::get<Match>(m)));
        return std::nullopt;
    };
    std::optional<std::string_view> reason;
    if (type == "ip-src" || type == "ip-dst") {
        reason = one(ipv4(value));
    } else if (type == "ip-src|port" || type == "ip-dst|port") {
        const auto address = part(value, 0);
        reason = address ? one(ipv4(*address)) : std::string_view("bad value");
    } else if (type == "domain" || type == "hostname") {
        reason = one(domain(value));
    } else if (type == "domain|ip") {
        const auto name = part(value, 0);
        const auto address = part(value, 1);
        if (!name || !address) {
            return std::string_view("bad value");
        }
        reason = one(domain(*name));
        const auto second = one(ipv4(*address));
        reason = out.empty() ? (reason ? reason : second) : std::nullopt;
    } else if (type == "sha256") {
        reason = one(sha256(value));
    } else if (type == "filename|sha256") {
        const auto hash = part(value, 1);
        reason = hash ? one(sha256(*hash)) : std::string_view("bad value");
    } else {
        return std::string_view("type not matched");
    }
    if (out.empty()) {
        return reason.value_or(std::string_view("bad value"));
    }
    return out;
}

struct EventContext {
    std::string name;
    stix::Tlp tlp;
    int64_t timestamp = 0; ///< seconds
};

} // namespace

Result<bool> MispFeedReader::readEvent(std::string_view uuid, std::string_view text,
                                       std::optional<stix::Tlp> manifest_tlp, MispFeedReadReport& report,
                                       const Sink& sink) const {
    const auto refuse = [&report](std::string_view reason) -> Result<bool> {
        ++report.events_refused;
        ++report.skipped[std::string(reason)];
        return false;
    };
    if (text.size() > options_.limits.max_event_bytes) {
        return refuse("event too large");
    }
    if (nesting(text, kMaxDepth) > kMaxDepth) {
        return refuse("event nested too deep");
    }
    const Json document = Json::parse(text, nullptr, false);
    if (document.is_discarded()) {
        return refuse("event not JSON");
    }
    const auto event_it = document.is_object() ? document.find("Event") : document.end();
    if (event_it == document.end() || !event_it->is_object()) {
        return refuse("no Event object");
    }
    const Json& event = *event_it;
    const auto uuid_it = event.find("uuid");
    const auto event_uuid = uuid_it != event.end() ? uuidOf(*uuid_it) : std::nullopt;
    if (!event_uuid || *event_uuid != uuid) {
        return refuse("event uuid not the manifest's");
    }
    EventContext context;
    context.tlp = tlpOfTags(event).value_or(manifest_tlp.value_or(options_.default_tlp));
    if (const auto info = event.find("info"); info != event.end() && info->is_string()) {
        const auto& info_text = info->get_ref<const std::string&>();
        size_t cut = std::min(info_text.size(), kMaxName);
        while (cut < info_text.size() && cut > 0 && (static_cast<unsigned char>(info_text[cut]) & 0xC0) == 0x80) {
            --cut; // never half a UTF-8 character
        }
        context.name = info_text.substr(0, cut);
    }
    const auto ts_it = event.find("timestamp");
    context.timestamp = ts_it != event.end() ? seconds(*ts_it).value_or(0) : 0;
    ++report.events_read;

    size_t seen = 0;
    const auto readAttributes = [&](const Json& holder) -> Result<void> {
        const auto list = holder.find("Attribute");
        if (list == holder.end()) {
            return {};
        }
        if (!list->is_array()) {
            ++report.skipped["Attribute not an array"];
            return {};
        }
        for (const Json& attribute : *list) {
            if (seen++ >= options_.limits.max_attributes) {
                ++report.skipped["attribute limit"];
                continue;
            }
            ++report.attributes;
            const auto skip = [&report](std::string_view reason) { ++report.skipped[std::string(reason)]; };
            if (!attribute.is_object()) {
                skip("attribute not an object");
                continue;
            }
            const auto type = attribute.find("type");
            const auto value = attribute.find("value");
            if (type == attribute.end() || !type->is_string() || value == attribute.end() || !value->is_string()) {
                skip("attribute type or value not a string");
                continue;
            }
            const auto uuid_member = attribute.find("uuid");
            const auto attribute_uuid = uuid_member != attribute.end() ? uuidOf(*uuid_member) : std::nullopt;
            if (!attribute_uuid) {
                skip("bad attribute uuid");
                continue;
            }
            if (truthy(attribute, "deleted")) {
                skip("deleted");
                continue;
            }
            if (!toIds(attribute)) {
                skip("not to_ids");
                continue;
            }
            int64_t stamp = context.timestamp;
            if (const auto ts = attribute.find("timestamp"); ts != attribute.end()) {
                const auto s = seconds(*ts);
                if (!s) {
                    skip("bad attribute timestamp");
                    continue;
                }
                stamp = *s;
            }
            auto matches = matchesOf(type->get_ref<const std::string&>(), value->get_ref<const std::string&>());
            if (auto* reason = std::get_if<std::string_view>(&matches)) {
                skip(*reason);
                continue;
            }
            Timestamp valid_from = stamp * kMicrosPerSecond;
            if (const auto first = attribute.find("first_seen"); first != attribute.end() && first->is_string()) {
                valid_from = parseRfc3339(first->get_ref<const std::string&>()).value_or(valid_from);
            }
            const stix::Tlp tlp = tlpOfTags(attribute).value_or(context.tlp);
            for (Match& match : std::get<std::vector<Match>>(matches)) {
                store::PartnerIndicatorRecord record;
                record.feed = options_.feed;
                record.indicator_id = *attribute_uuid;
                record.kind = std::move(match.kind);
                record.value = std::move(match.value);
                record.name = context.name;
                record.tlp = std::string(stix::tlpName(tlp));
                record.valid_from = valid_from;
                record.modified = stamp * kMicrosPerSecond;
                KANSOKU_TRY(sink(std::move(record)));
                ++report.indicators;
            }
        }
        return {};
    };
    KANSOKU_TRY(readAttributes(event));
    if (const auto objects = event.find("Object"); objects != event.end() && objects->is_array()) {
        for (const Json& object : *objects) {
            if (object.is_object()) {
                KANSOKU_TRY(readAttributes(object));
            }
        }
    }
    return true;
}

Result<MispFeedReadReport> MispFeedReader::read(const Fetch& fetch, const Sink& sink) const {
    MispFeedReadReport report;
    report.next_since = options_.since;
    auto text = fetch("manifest.json");
    if (!text) {
        return fail("MISP feed {}: manifest.json: {}", options_.feed, text.error().message);
    }
    if (text->size() > options_.limits.max_manifest_bytes) {
        return fail("MISP feed {}: manifest.json is larger than {} bytes", options_.feed,
                    options_.limits.max_manifest_bytes);
    }
    if (nesting(*text, kMaxDepth) > kMaxDepth) {
        return fail("MISP feed {}: manifest.json nests too deep", options_.feed);
    }
    const Json manifest = Json::parse(*text, nullptr, false);
    if (!manifest.is_object()) {
        return fail("MISP feed {}: manifest.json is not a JSON object of events", options_.feed);
    }
    struct Listed {
        int64_t timestamp;
        std::string uuid;
        std::optional<stix::Tlp> tlp;
    };
    std::vector<Listed> listed;
    for (const auto& [key, entry] : manifest.items()) {
        ++report.events_listed;
        const auto uuid = uuidOf(Json(key));
        if (!uuid || *uuid != key) { // the key becomes a file name: exactly a lower-case uuid
            ++report.events_refused;
            ++report.skipped["bad event uuid"];
            continue;
        }
        const auto ts = entry.is_object() ? entry.find("timestamp") : entry.end();
        const auto s = ts != entry.end() ? seconds(*ts) : std::nullopt;
        if (!s) {
            ++report.events_refused;
            ++report.skipped["bad manifest timestamp"];
            continue;
        }
        if (*s * kMicrosPerSecond <= options_.since) {
            ++report.events_old;
            continue;
        }
        listed.push_back({*s, *uuid, tlpOfTags(entry)});
    }
    std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& b) {
        return std::tie(a.timestamp, a.uuid) < std::tie(b.timestamp, b.uuid);
    });
    if (listed.size() > options_.limits.max_events) {
        report.skipped["event limit"] += listed.size() - options_.limits.max_events;
        listed.resize(options_.limits.max_events);
    }
    std::optional<int64_t> first_failed; // a fetch that failed is tried again next time
    for (const Listed& l : listed) {
        auto event = fetch(l.uuid + ".json");
        if (!event) {
            ++report.events_refused;
            ++report.skipped["event fetch failed"];
            first_failed = first_failed ? std::min(*first_failed, l.timestamp) : l.timestamp;
            continue;
        }
        KANSOKU_TRY(readEvent(l.uuid, *event, l.tlp, report, sink));
    }
    for (const Listed& l : listed) {
        if (first_failed && l.timestamp >= *first_failed) {
            break;
        }
        report.next_since = std::max(report.next_since, l.timestamp * kMicrosPerSecond);
    }
    if (first_failed) {
        report.next_since = std::max(options_.since, std::min(report.next_since, *first_failed * kMicrosPerSecond - 1));
    }
    return report;
}

} // namespace kansoku::share::misp

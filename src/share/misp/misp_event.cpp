#include "share/misp/misp_event.h"

#include <algorithm>
#include <array>

#include <openssl/evp.h>

#include "share/misp/misp_tag.h"

namespace kansoku::share::misp {
namespace {

/// MISP event distribution as a hint for the receiving instance (its feed setting may override it):
/// clear to all communities, green to this community, amber and above to the receiving organisation.
std::string_view distributionOf(stix::Tlp tlp) {
    switch (tlp) {
    case stix::Tlp::Clear:
        return "3";
    case stix::Tlp::Green:
        return "1";
    default:
        return "0";
    }
}

std::string md5Hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    std::string out;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr) != 1) {
        return out;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

nlohmann::ordered_json tagsOf(const MispEvent& event) {
    nlohmann::ordered_json tags = nlohmann::ordered_json::array();
    tags.push_back({{"name", tlpTagName(event.tlp)}, {"colour", tlpTagColour(event.tlp)}, {"exportable", true}});
    for (const std::string& tag : event.tags) {
        tags.push_back({{"name", tag}, {"exportable", true}});
    }
    return tags;
}

nlohmann::ordered_json orgJson(const MispOrg& org) {
    return {{"name", org.name}, {"uuid", org.uuid}};
}

} // namespace

int64_t MispEvent::timestampSeconds() const {
    if (timestamp_override > 0) {
        return timestamp_override;
    }
    Timestamp latest = stamp;
    for (const MispAttribute& attribute : attributes) {
        latest = std::max(latest, attribute.timestamp);
    }
    return latest / kMicrosPerSecond;
}

std::string mispDate(Timestamp ts) {
    return formatRfc3339(ts).substr(0, 10);
}

std::string mispEventJson(const MispEvent& event, const MispOrg& org) {
    const std::string timestamp = std::to_string(event.timestampSeconds());
    nlohmann::ordered_json attributes = nlohmann::ordered_json::array();
    for (const MispAttribute& a : event.attributes) {
        attributes.push_back({{"uuid", a.uuid},
                              {"type", a.type},
                              {"category", a.category},
                              {"value", a.value},
                              {"to_ids", a.to_ids},
                              {"distribution", "5"}, // the event's
                              {"comment", a.comment},
                              {"timestamp", std::to_string(a.timestamp / kMicrosPerSecond)},
                              {"deleted", false},
                              {"disable_correlation", false}});
    }
    nlohmann::ordered_json body = {{"Event",
                                    {{"uuid", event.uuid},
                                     {"info", event.info},
                                     {"date", mispDate(event.date)},
                                     {"threat_level_id", std::to_string(static_cast<int>(event.threat_level))},
                                     {"analysis", std::to_string(static_cast<int>(event.analysis))},
                                     {"distribution", distributionOf(event.tlp)},
                                     {"published", true},
                                     {"timestamp", timestamp},
                                     {"publish_timestamp", timestamp},
                                     {"attribute_count", std::to_string(event.attributes.size())},
                                     {"Orgc", orgJson(org)},
                                     {"Tag", tagsOf(event)},
                                     {"Attribute", std::move(attributes)}}}};
    std::string out = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
    return out;
}

nlohmann::ordered_json mispManifestEntry(const MispEvent& event, const MispOrg& org) {
    return {{"Orgc", orgJson(org)},
            {"Tag", tagsOf(event)},
            {"info", event.info},
            {"date", mispDate(event.date)},
            {"analysis", static_cast<int>(event.analysis)},
            {"threat_level_id", static_cast<int>(event.threat_level)},
            {"timestamp", event.timestampSeconds()}};
}

void appendMispHashLines(std::string& out, const MispEvent& event) {
    for (const MispAttribute& attribute : event.attributes) {
        std::string_view value = attribute.value;
        const bool composite = attribute.type.find('|') != std::string::npos;
        while (true) {
            const size_t bar = composite ? value.find('|') : std::string_view::npos;
            out += md5Hex(value.substr(0, bar));
            out += ',';
            out += event.uuid;
            out += '\n';
            if (bar == std::string_view::npos) {
                break;
            }
            value.remove_prefix(bar + 1);
        }
    }
}

} // namespace kansoku::share::misp

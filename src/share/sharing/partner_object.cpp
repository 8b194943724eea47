#include "share/sharing/partner_object.h"

#include <nlohmann/json.hpp>

#include "share/sharing/indicator_pattern.h"
#include "share/stix/stix_object_check.h"
#include "share/stix/subscriber_policy.h"

namespace kansoku::share {
namespace {

std::string text(const nlohmann::json& o, const char* name) {
    const auto it = o.find(name);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Timestamp timeOf(const nlohmann::json& o, const char* name) {
    return parseRfc3339(text(o, name)).value_or(0);
}

} // namespace

std::variant<PartnerObject, std::string> readPartnerObject(std::string_view feed, const nlohmann::json& o,
                                                           stix::Tlp default_tlp, Timestamp fetched) {
    auto checked = stix::checkStixObject(o, default_tlp);
    if (auto* why = std::get_if<std::string>(&checked)) {
        return std::move(*why);
    }
    auto& c = std::get<stix::CheckedObject>(checked);
    PartnerObject out;
    out.object.feed = feed;
    out.object.id = c.id;
    out.object.type = c.type;
    out.object.version_us = c.version_us;
    out.object.tlp = stix::tlpName(c.tlp);
    out.object.fetched = fetched;
    out.object.json = o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (c.type != "indicator") {
        return out;
    }
    const auto revoked = o.find("revoked");
    if (revoked != o.end() && revoked->is_boolean() && revoked->get<bool>()) {
        return out;
    }
    if (const auto labels = o.find("labels"); labels != o.end() && labels->is_array()) {
        for (const auto& label : *labels) {
            if (label.is_string() && label.get_ref<const std::string&>() == stix::kPseudonymLabel) {
                out.unmatched_pattern = true; // a pseudonym matches nothing real
                return out;
            }
        }
    }
    const std::string pattern_type = text(o, "pattern_type");
    if (pattern_type != "stix") {
        out.unmatched_pattern = true;
        return out;
    }
    auto values = indicatorPatternValues(text(o, "pattern"));
    out.unmatched_pattern = values.values.empty();
    std::string name = text(o, "name");
    if (name.size() > 200) {
        name.resize(200);
    }
    for (auto& v : values.values) {
        store::PartnerIndicatorRecord& r = out.values.emplace_back();
        r.feed = feed;
        r.indicator_id = c.id;
        r.kind = std::move(v.kind);
        r.value = std::move(v.value);
        r.name = name;
        r.tlp = out.object.tlp;
        r.valid_from = timeOf(o, "valid_from");
        r.valid_until = timeOf(o, "valid_until");
        r.modified = c.version_us;
    }
    return out;
}

} // namespace kansoku::share

#include "web/taxii_contribution.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "share/stix/tlp.h"
#include "web/taxii_filter.h"

namespace kansoku::web {
namespace {

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// "type--uuid" (STIX 2.1 section 2.9) whose type is `type`.
bool validIdentifier(std::string_view id, std::string_view type) {
    if (!id.starts_with(type) || id.substr(type.size(), 2) != "--") {
        return false;
    }
    const auto uuid = id.substr(type.size() + 2);
    if (uuid.size() != 36) {
        return false;
    }
    for (size_t i = 0; i < uuid.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? uuid[i] != '-' : !isHex(uuid[i])) {
            return false;
        }
    }
    return true;
}

/// STIX 2.1 section 7.2.1.4: the TLP 1.0 marking definitions built into the specification, read as
/// their TLP 2.0 levels (WHITE as CLEAR), so partners still on TLP 1.0 can contribute.
std::optional<share::stix::Tlp> tlpOfAnyMarkingId(std::string_view id) {
    using share::stix::Tlp;
    static constexpr std::pair<std::string_view, Tlp> kTlp1[] = {
        {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::Clear},
        {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::Green},
        {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::Amber},
        {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::Red},
    };
    if (const auto level = share::stix::tlpOfMarkingId(id)) {
        return level;
    }
    for (const auto& [marking, level] : kTlp1) {
        if (marking == id) {
            return level;
        }
    }
    return std::nullopt;
}

/// The object as a record, or why not.
std::variant<store::SharedObjectRecord, std::string> readObject(const nlohmann::json& o, std::string_view collection_id,
                                                                std::string_view source) {
    if (!o.is_object()) {
        return std::string("not a JSON object");
    }
    const auto type = o.find("type");
    if (type == o.end() || !type->is_string() || !isStixTypeName(type->get_ref<const std::string&>())) {
        return std::string("type is missing or not a STIX type name");
    }
    const auto id = o.find("id");
    if (id == o.end() || !id->is_string() ||
        !validIdentifier(id->get_ref<const std::string&>(), type->get_ref<const std::string&>())) {
        return std::string("id is missing or not <type>--<UUID>");
    }
    store::SharedObjectRecord record;
    record.collection = collection_id;
    record.id = id->get<std::string>();
    record.type = type->get<std::string>();
    record.source = source;
    const auto spec = o.find("spec_version");
    if (spec != o.end() && (!spec->is_string() || spec->get_ref<const std::string&>() != "2.1")) {
        return std::string("spec_version must be 2.1");
    }
    for (const char* name : {"modified", "created"}) {
        const auto time = o.find(name);
        if (time == o.end()) {
            continue;
        }
        const auto parsed = time->is_string() ? parseRfc3339(time->get_ref<const std::string&>()) : std::nullopt;
        if (!parsed) {
            return std::string(name) + " is not an RFC 3339 timestamp";
        }
        if (record.version.empty()) {
            record.version = time->get<std::string>();
            record.version_us = *parsed;
        }
    }
    std::optional<share::stix::Tlp> tlp;
    if (const auto refs = o.find("object_marking_refs"); refs != o.end()) {
        if (!refs->is_array()) {
            return std::string("object_marking_refs must be a list");
        }
        for (const auto& ref : *refs) {
            if (!ref.is_string()) {
                return std::string("object_marking_refs must list identifiers");
            }
            if (const auto level = tlpOfAnyMarkingId(ref.get_ref<const std::string&>())) {
                tlp = tlp ? share::stix::stricter(*tlp, *level) : *level; // the most restricted one applies
            }
        }
    }
    if (!tlp && record.type == "marking-definition") {
        tlp = share::stix::Tlp::Clear;
    }
    if (!tlp) {
        return std::string("no TLP marking: object_marking_refs must name a TLP 2.0 marking definition");
    }
    record.tlp = share::stix::tlpName(*tlp);
    record.json = o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return record;
}

/// A string member of `o`, "" when `o` is not an object or the member is absent or not a string.
std::string stringMember(const nlohmann::json& o, const char* name) {
    if (!o.is_object()) {
        return {};
    }
    const auto it = o.find(name);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

Result<Contribution> readContribution(std::string_view body, std::string_view collection_id, std::string_view source,
                                      size_t max_objects) {
    const auto envelope = nlohmann::json::parse(body, nullptr, false);
    if (envelope.is_discarded() || !envelope.is_object()) {
        return fail("the body is not a JSON object (a TAXII envelope)");
    }
    const auto objects = envelope.find("objects");
    if (objects == envelope.end() || !objects->is_array()) {
        return fail("the envelope has no objects list");
    }
    if (objects->size() > max_objects) {
        return fail("the envelope holds {} objects; at most {} are taken at once", objects->size(), max_objects);
    }
    Contribution contribution;
    for (const auto& object : *objects) {
        auto read = readObject(object, collection_id, source);
        if (auto* why = std::get_if<std::string>(&read)) {
            contribution.outcomes.push_back({stringMember(object, "id"), stringMember(object, "modified"), *why});
            continue;
        }
        auto& record = std::get<store::SharedObjectRecord>(read);
        contribution.outcomes.push_back({record.id, record.version, {}});
        contribution.accepted.push_back(std::move(record));
    }
    return contribution;
}

std::string contributionStatus(const Contribution& contribution, std::string_view status_id, Timestamp requested) {
    auto successes = nlohmann::json::array();
    auto failures = nlohmann::json::array();
    for (const auto& outcome : contribution.outcomes) {
        nlohmann::json entry = {{"id", outcome.id}};
        if (!outcome.version.empty()) {
            entry["version"] = outcome.version;
        }
        if (outcome.message.empty()) {
            successes.push_back(std::move(entry));
        } else {
            entry["message"] = outcome.message;
            failures.push_back(std::move(entry));
        }
    }
    nlohmann::json status = {
        {"id", status_id},
        {"status", "complete"},
        {"request_timestamp", formatRfc3339(requested)},
        {"total_count", contribution.outcomes.size()},
        {"success_count", successes.size()},
        {"successes", std::move(successes)},
        {"failure_count", failures.size()},
        {"failures", std::move(failures)},
        {"pending_count", 0},
    };
    return status.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kansoku::web

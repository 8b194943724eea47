#include "web/taxii_contribution.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "share/stix/stix_object_check.h"

namespace kansoku::web {
namespace {

/// The object as a record, or why not.
std::variant<store::SharedObjectRecord, std::string> readObject(const nlohmann::json& o, std::string_view collection_id,
                                                                std::string_view source) {
    auto checked = share::stix::checkStixObject(o, std::nullopt);
    if (auto* why = std::get_if<std::string>(&checked)) {
        return std::move(*why);
    }
    auto& object = std::get<share::stix::CheckedObject>(checked);
    store::SharedObjectRecord record;
    record.collection = collection_id;
    record.id = std::move(object.id);
    record.type = std::move(object.type);
    record.version = std::move(object.version);
    record.version_us = object.version_us;
    record.source = source;
    record.tlp = share::stix::tlpName(object.tlp);
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

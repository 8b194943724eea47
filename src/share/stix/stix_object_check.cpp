#include "share/stix/stix_object_check.h"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

namespace kansoku::share::stix {
namespace {

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// STIX 2.1 section 6 (cyber-observable objects): they have no created/modified.
bool isObservableType(std::string_view type) {
    static constexpr std::array<std::string_view, 18> kObservables = {"artifact",
                                                                      "autonomous-system",
                                                                      "directory",
                                                                      "domain-name",
                                                                      "email-addr",
                                                                      "email-message",
                                                                      "file",
                                                                      "ipv4-addr",
                                                                      "ipv6-addr",
                                                                      "mac-addr",
                                                                      "mutex",
                                                                      "network-traffic",
                                                                      "process",
                                                                      "software",
                                                                      "url",
                                                                      "user-account",
                                                                      "windows-registry-key",
                                                                      "x509-certificate"};
    return std::find(kObservables.begin(), kObservables.end(), type) != kObservables.end();
}

bool hasString(const nlohmann::json& o, const char* name) {
    const auto it = o.find(name);
    return it != o.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

/// A reference property: an identifier of any type.
bool isReference(const nlohmann::json& o, const char* name) {
    const auto it = o.find(name);
    if (it == o.end() || !it->is_string()) {
        return false;
    }
    const std::string& ref = it->get_ref<const std::string&>();
    const auto dashes = ref.find("--");
    return dashes != std::string::npos && isStixIdentifier(ref, std::string_view(ref).substr(0, dashes));
}

} // namespace

bool isStixTypeName(std::string_view type) {
    return type.size() >= 3 && type.size() <= 250 && type.front() != '-' && type.back() != '-' &&
           std::all_of(type.begin(), type.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool isStixIdentifier(std::string_view id, std::string_view type) {
    if (!isStixTypeName(type) || !id.starts_with(type) || id.substr(type.size(), 2) != "--") {
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

std::optional<Tlp> tlpOfAnyMarkingId(std::string_view id) {
    static constexpr std::pair<std::string_view, Tlp> kTlp1[] = {
        {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::Clear},
        {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::Green},
        {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::Amber},
        {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::Red},
    };
    if (const auto level = tlpOfMarkingId(id)) {
        return level;
    }
    for (const auto& [marking, level] : kTlp1) {
        if (marking == id) {
            return level;
        }
    }
    return std::nullopt;
}

std::variant<CheckedObject, std::string> checkStixObject(const nlohmann::json& o, std::optional<Tlp> default_tlp) {
    if (!o.is_object()) {
        return std::string("not a JSON object");
    }
    const auto type = o.find("type");
    if (type == o.end() || !type->is_string() || !isStixTypeName(type->get_ref<const std::string&>())) {
        return std::string("type is missing or not a STIX type name");
    }
    const auto id = o.find("id");
    if (id == o.end() || !id->is_string() ||
        !isStixIdentifier(id->get_ref<const std::string&>(), type->get_ref<const std::string&>())) {
        return std::string("id is missing or not <type>--<UUID>");
    }
    CheckedObject checked;
    checked.id = id->get<std::string>();
    checked.type = type->get<std::string>();
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
        if (checked.version.empty()) {
            checked.version = time->get<std::string>();
            checked.version_us = *parsed;
        }
    }
    const bool observable = isObservableType(checked.type);
    if (!observable && checked.type != "marking-definition" && checked.type != "language-content" &&
        !checked.type.starts_with("x-") && (o.find("created") == o.end() || o.find("modified") == o.end())) {
        return std::string("an SDO or SRO needs created and modified");
    }
    if (checked.type == "indicator" &&
        (!hasString(o, "pattern") || !hasString(o, "pattern_type") || !hasString(o, "valid_from") ||
         !parseRfc3339(o["valid_from"].get_ref<const std::string&>()))) {
        return std::string("an indicator needs pattern, pattern_type and an RFC 3339 valid_from");
    }
    if (checked.type == "sighting" && !isReference(o, "sighting_of_ref")) {
        return std::string("a sighting needs a sighting_of_ref identifier");
    }
    if (checked.type == "relationship" &&
        (!isReference(o, "source_ref") || !isReference(o, "target_ref") || !hasString(o, "relationship_type"))) {
        return std::string("a relationship needs relationship_type, source_ref and target_ref");
    }
    std::optional<Tlp> tlp;
    if (const auto refs = o.find("object_marking_refs"); refs != o.end()) {
        if (!refs->is_array()) {
            return std::string("object_marking_refs must be a list");
        }
        for (const auto& ref : *refs) {
            if (!ref.is_string()) {
                return std::string("object_marking_refs must list identifiers");
            }
            if (const auto level = tlpOfAnyMarkingId(ref.get_ref<const std::string&>())) {
                tlp = tlp ? stricter(*tlp, *level) : *level; // the most restricted one applies
            }
        }
    }
    if (!tlp && checked.type == "marking-definition") {
        tlp = Tlp::Clear;
    }
    if (!tlp) {
        tlp = default_tlp;
    }
    if (!tlp) {
        return std::string("no TLP marking: object_marking_refs must name a TLP 2.0 marking definition");
    }
    checked.tlp = *tlp;
    return checked;
}

} // namespace kansoku::share::stix

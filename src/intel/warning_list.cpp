#include "intel/warning_list.h"

#include <array>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/file_reader.h"

namespace kansoku::intel {
namespace {

using nlohmann::json;

/// list.json is an object of scalars and arrays of strings: depth 0 (the object), 1 (its
/// members), 2 (array items). Anything deeper is refused without being built.
constexpr int kMaxDepth = 2;
/// Third-party messages can quote input; keep the error one short line.
constexpr std::size_t kMaxReasonChars = 160;

constexpr std::array<std::string_view, 5> kTypes = {"cidr", "string", "hostname", "substring", "regex"};

std::string oneLine(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, kMaxReasonChars)) {
        out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
    if (text.size() > kMaxReasonChars) {
        out += "...";
    }
    return out;
}

Result<std::string> stringMember(const json& object, const char* key, std::string_view origin) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return fail("warning list {}: missing \"{}\"", origin, key);
    }
    if (!it->is_string()) {
        return fail("warning list {}: \"{}\" is not a string", origin, key);
    }
    return it->get<std::string>();
}

Result<std::vector<std::string>> stringArray(const json& value, const char* key, std::string_view origin) {
    if (!value.is_array()) {
        return fail("warning list {}: \"{}\" is not an array", origin, key);
    }
    std::vector<std::string> out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
            return fail("warning list {}: \"{}\" entry {} is not a string", origin, key, i);
        }
        out.push_back(value[i].get<std::string>());
    }
    return out;
}

} // namespace

Result<WarningList> parseWarningList(std::string_view json_text, std::string file_id, std::string_view origin) {
    if (json_text.size() > kMaxWarningListBytes) {
        return fail("warning list {}: {} bytes, over the {} byte limit", origin, json_text.size(),
                    kMaxWarningListBytes);
    }
    bool too_deep = false;
    json document;
    try {
        document = json::parse(json_text, [&too_deep](int depth, json::parse_event_t, json&) {
            if (depth > kMaxDepth) {
                too_deep = true;
                return false; // discarded: nothing deeper is ever built
            }
            return true;
        });
    } catch (const json::exception& e) {
        return fail("warning list {}: not JSON: {}", origin, oneLine(e.what()));
    } catch (const std::exception& e) { // std::bad_alloc and the like
        return fail("warning list {}: cannot parse: {}", origin, oneLine(e.what()));
    }
    if (too_deep) {
        return fail("warning list {}: nested deeper than a warning list can be", origin);
    }
    if (!document.is_object()) {
        return fail("warning list {}: top level is not an object", origin);
    }

    WarningList list;
    list.file_id = std::move(file_id);
    auto name = stringMember(document, "name", origin);
    KANSOKU_TRY(name);
    list.name = std::move(*name);
    auto description = stringMember(document, "description", origin);
    KANSOKU_TRY(description);
    list.description = std::move(*description);
    auto type = stringMember(document, "type", origin);
    KANSOKU_TRY(type);
    bool known_type = false;
    for (const auto t : kTypes) {
        known_type = known_type || *type == t;
    }
    if (!known_type) {
        return fail("warning list {}: unknown type '{}' (cidr, string, hostname, substring or regex)", origin,
                    oneLine(*type));
    }
    list.type = std::move(*type);

    const auto version = document.find("version");
    if (version == document.end()) {
        return fail("warning list {}: missing \"version\"", origin);
    }
    if (version->is_number_unsigned()) {
        const auto v = version->get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return fail("warning list {}: \"version\" out of range", origin);
        }
        list.version = static_cast<int64_t>(v);
    } else if (version->is_number_integer()) {
        list.version = version->get<int64_t>();
    } else {
        return fail("warning list {}: \"version\" is not an integer", origin);
    }

    const auto entries = document.find("list");
    if (entries == document.end()) {
        return fail("warning list {}: missing \"list\"", origin);
    }
    auto parsed_entries = stringArray(*entries, "list", origin);
    KANSOKU_TRY(parsed_entries);
    list.entries = std::move(*parsed_entries);

    // Optional in the schema; unknown members are ignored so newer upstream files still load.
    if (const auto attributes = document.find("matching_attributes"); attributes != document.end()) {
        auto parsed = stringArray(*attributes, "matching_attributes", origin);
        KANSOKU_TRY(parsed);
        list.matching_attributes = std::move(*parsed);
    }
    return list;
}

Result<WarningList> loadWarningList(const std::string& path) {
    const std::filesystem::path file(path);
    auto text = readFileBounded(file, kMaxWarningListBytes);
    if (!text) {
        return fail("warning list {}", text.error().message);
    }
    return parseWarningList(*text, file.parent_path().filename().string(), path);
}

} // namespace kansoku::intel

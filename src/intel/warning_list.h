#pragma once

/// One MISP warning list (https://github.com/MISP/misp-warninglists): the parsed `list.json` of one
/// folder under `lists/`. Its schema: name, version, description, type (cidr, string, hostname,
/// substring, regex), list (strings), matching_attributes (strings, optional).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku::intel {

/// Files larger than this are refused before they are read (the largest upstream list is ~3 MiB).
inline constexpr std::size_t kMaxWarningListBytes = std::size_t{64} << 20;

struct WarningList {
    std::string name;    ///< human name, e.g. "List of known Shodan scanning IP addresses"
    std::string file_id; ///< folder name, e.g. "shodan-scanning": the stable id events carry
    std::string description;
    int64_t version = 0;
    std::string type;                             ///< "cidr", "string", "hostname", "substring" or "regex"
    std::vector<std::string> entries;             ///< the "list" array, in file order
    std::vector<std::string> matching_attributes; ///< MISP attribute types the list applies to
};

/// Parses the JSON text of one list.json. `origin` names the input in error messages (a path).
/// Hostile input is an error naming `origin` and the problem in one line; nothing throws.
Result<WarningList> parseWarningList(std::string_view json_text, std::string file_id, std::string_view origin);

/// Reads and parses `path` (a list.json); `file_id` is the name of the folder that holds it.
/// Refuses non-regular files and files over kMaxWarningListBytes.
Result<WarningList> loadWarningList(const std::string& path);

} // namespace kansoku::intel

#pragma once

/// Known benign scanners: the address-bearing MISP warning lists (research scanners such as
/// Censys, Shodan and the `*-nt-scanning` lists) loaded into one AddressMatcher, so a scan record's
/// source can be labelled `benign` with the id of the list that names it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address_labeler.h"
#include "common/ip_address.h"
#include "common/result.h"
#include "intel/address_matcher.h"
#include "intel/warning_list.h"

namespace kansoku::intel {

class WarningLists final : public AddressLabeler {
public:
    /// One loaded list and what became of its entries.
    struct LoadedList {
        WarningList list;                 ///< metadata; `entries` is emptied once the matcher is built
        std::size_t entries = 0;          ///< entries in the file
        std::size_t prefixes = 0;         ///< entries loaded as addresses or prefixes
        std::size_t skipped = 0;          ///< entries that are not addresses (counted, not fatal)
        std::size_t host_bits_masked = 0; ///< prefixes like 192.0.2.7/24, loaded as 192.0.2.0/24
    };

    /// The folder-name globs for the scanner lists issue 3 asks for.
    static std::vector<std::string> defaultPatterns() {
        return {"*-nt-scanning", "censys-scanning", "shodan-scanning"};
    }

    /// Loads every list whose folder name matches one of `patterns` (fnmatch globs such as
    /// "*-nt-scanning"). `dir` is a misp-warninglists checkout or its `lists/` folder; each list is
    /// `<dir>/<folder>/list.json`. Lists of type "cidr" are loaded; "string" lists contribute the
    /// entries that parse as addresses; other types are not address lists and are left out (see
    /// ignored()). A cidr entry that is not an address is skipped and counted. Fails with one line
    /// if `dir` is unreadable, a pattern matches no folder, a matched list is malformed, or a
    /// non-empty cidr list has no valid entry at all.
    static Result<WarningLists> loadDirectory(const std::string& dir, const std::vector<std::string>& patterns);

    /// Builds from lists already parsed (tests, or lists from elsewhere); same rules as above.
    static Result<WarningLists> fromLists(std::vector<WarningList> lists);

    WarningLists() = default; ///< no lists: nothing is benign

    /// The file_id of a list naming `address` (the most specific entry wins; ties go to the list
    /// whose id sorts first), or nullopt. The view lives as long as this object.
    std::optional<std::string_view> label(const IpAddress& address) const override { return benignList(address); }

    std::optional<std::string_view> benignList(const IpAddress& address) const {
        const auto tags = matcher_.lookup(address);
        if (tags.empty()) {
            return std::nullopt;
        }
        return std::string_view(lists_[tags.front()].list.file_id);
    }
    /// Every list naming `address`, most specific first.
    std::vector<std::string_view> matchingLists(const IpAddress& address) const;

    /// Number of lists loaded for matching.
    std::size_t size() const { return lists_.size(); }
    const std::vector<LoadedList>& lists() const { return lists_; }
    /// Folders that matched a pattern but hold no address list (hostname, regex, ... types).
    const std::vector<std::string>& ignored() const { return ignored_; }
    const AddressMatcher& matcher() const { return matcher_; }
    /// For the start-up log: "loaded 23 lists, 3,788 prefixes in 1,012 ranges (2 entries skipped)".
    std::string summary() const;

private:
    std::vector<LoadedList> lists_; ///< sorted by file_id; a list's index is its matcher tag
    std::vector<std::string> ignored_;
    AddressMatcher matcher_;
};

} // namespace kansoku::intel

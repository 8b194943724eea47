#include "intel/warning_lists.h"

#include <algorithm>
#include <filesystem>

#include <fnmatch.h>

namespace kansoku::intel {
namespace {

/// 41327 -> "41,327", for log lines people read.
std::string grouped(std::size_t value) {
    std::string digits = std::to_string(value);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<std::size_t>(i), ",");
    }
    return digits;
}

bool matchesAny(const std::string& folder, const std::vector<std::string>& patterns, std::vector<bool>& used) {
    bool matched = false;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (fnmatch(patterns[i].c_str(), folder.c_str(), 0) == 0) {
            used[i] = true;
            matched = true;
        }
    }
    return matched;
}

} // namespace

Result<WarningLists> WarningLists::fromLists(std::vector<WarningList> lists) {
    std::sort(lists.begin(), lists.end(), [](const auto& a, const auto& b) { return a.file_id < b.file_id; });
    WarningLists result;
    AddressMatcher::Builder builder;
    for (auto& list : lists) {
        const bool is_cidr = list.type == "cidr";
        if (!is_cidr && list.type != "string") {
            result.ignored_.push_back(list.file_id);
            continue;
        }
        LoadedList loaded;
        loaded.entries = list.entries.size();
        std::vector<Prefix> prefixes;
        prefixes.reserve(list.entries.size());
        for (const auto& entry : list.entries) {
            auto parsed = parseCidrEntry(entry);
            if (!parsed) {
                ++loaded.skipped;
                continue;
            }
            loaded.host_bits_masked += parsed->host_bits_masked ? 1 : 0;
            prefixes.push_back(parsed->prefix);
        }
        if (prefixes.empty()) {
            if (is_cidr && loaded.entries > 0) {
                return fail("warning list {}: none of its {} entries is an address or prefix", list.file_id,
                            loaded.entries);
            }
            if (!is_cidr) {
                result.ignored_.push_back(list.file_id); // a string list of names, not addresses
                continue;
            }
        }
        const auto tag = static_cast<AddressMatcher::Tag>(result.lists_.size());
        for (const auto& prefix : prefixes) {
            builder.add(prefix, tag);
        }
        loaded.prefixes = prefixes.size();
        list.entries.clear();
        list.entries.shrink_to_fit();
        loaded.list = std::move(list);
        result.lists_.push_back(std::move(loaded));
    }
    result.matcher_ = builder.build();
    return result;
}

Result<WarningLists> WarningLists::loadDirectory(const std::string& dir, const std::vector<std::string>& patterns) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path root(dir);
    if (fs::is_directory(root / "lists", ec)) {
        root /= "lists";
    }
    if (!fs::is_directory(root, ec)) {
        return fail("warning lists {}: {}", dir, ec ? ec.message() : "not a directory");
    }
    std::vector<std::string> folders;
    std::vector<bool> used(patterns.size(), false);
    fs::directory_iterator it(root, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string folder = it->path().filename().string();
        std::error_code entry_ec; // a dangling entry is not a list; it must not end the listing
        if (it->is_directory(entry_ec) && matchesAny(folder, patterns, used)) {
            folders.push_back(folder);
        }
    }
    if (ec) {
        return fail("warning lists {}: {}", root.string(), ec.message());
    }
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (!used[i]) {
            return fail("warning lists {}: pattern '{}' matches no list", root.string(), patterns[i]);
        }
    }
    std::sort(folders.begin(), folders.end());
    std::vector<WarningList> lists;
    lists.reserve(folders.size());
    for (const auto& folder : folders) {
        auto list = loadWarningList((root / folder / "list.json").string());
        KANSOKU_TRY(list);
        lists.push_back(std::move(*list));
    }
    return fromLists(std::move(lists));
}

std::vector<std::string_view> WarningLists::matchingLists(const IpAddress& address) const {
    std::vector<std::string_view> ids;
    for (const auto tag : matcher_.lookup(address)) {
        ids.emplace_back(lists_[tag].list.file_id);
    }
    return ids;
}

std::string WarningLists::summary() const {
    std::size_t prefixes = 0;
    std::size_t skipped = 0;
    std::size_t masked = 0;
    for (const auto& l : lists_) {
        prefixes += l.prefixes;
        skipped += l.skipped;
        masked += l.host_bits_masked;
    }
    std::string line = "loaded " + grouped(lists_.size()) + (lists_.size() == 1 ? " list, " : " lists, ") +
                       grouped(prefixes) + " prefixes in " + grouped(matcher_.rangeCount()) + " ranges";
    if (skipped > 0 || masked > 0 || !ignored_.empty()) {
        line += " (" + grouped(skipped) + " entries skipped, " + grouped(masked) + " with host bits masked, " +
                grouped(ignored_.size()) + " non-address lists ignored)";
    }
    return line;
}

} // namespace kansoku::intel

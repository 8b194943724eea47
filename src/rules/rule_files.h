#pragma once

/// Rule files (honeypot personas, HTTP exploit rules and pages, YARA rules): read from a folder, or
/// the copy of the source tree's rules/ compiled into the binary.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku::rules {

/// A compiled-in rule file: its path under rules/ ("personas/tplink-wr841n-mips.toml") and text.
struct RuleFile {
    std::string_view path;
    std::string_view text;
};

/// A rule file read at start-up; `origin` names it in error messages.
struct LoadedRuleFile {
    std::string path; ///< under the rules folder, '/'-separated
    std::string origin;
    std::string text;
};

/// Every file ending in `extension` directly under `subdir` ("personas", "http", "yara"), sorted by
/// path. `rules_dir` empty: the compiled-in copy. Files above 4 MiB are an error.
Result<std::vector<LoadedRuleFile>> loadRuleFiles(const std::string& rules_dir, std::string_view subdir,
                                                  std::string_view extension = ".toml");

/// One file, `path` under the rules folder; error if absent.
Result<LoadedRuleFile> loadRuleFile(const std::string& rules_dir, std::string_view path);

} // namespace kansoku::rules

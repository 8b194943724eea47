#include "app/yara_rules.h"

#include <filesystem>

#include "rules/rule_files.h"

namespace kansoku::app {

Result<std::vector<malware::triage::YaraSource>> yaraRules(const std::string& rules_dir) {
    auto files = rules::loadRuleFiles(rules_dir, "yara", ".yar");
    KANSOKU_TRY(files);
    std::vector<malware::triage::YaraSource> sources;
    for (auto& file : *files) {
        sources.push_back({std::filesystem::path(file.path).stem().string(), file.origin, std::move(file.text)});
    }
    return sources;
}

} // namespace kansoku::app

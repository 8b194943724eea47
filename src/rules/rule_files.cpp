#include "rules/rule_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/file_reader.h"

namespace kansoku::rules {

extern const RuleFile kEmbeddedRuleFiles[];

namespace {

constexpr uintmax_t kMaxRuleFileBytes = 4 << 20;

/// "personas/x.toml" is directly in "personas" (not in a sub-folder of it) and ends in `extension`.
bool directlyIn(std::string_view path, std::string_view subdir, std::string_view extension) {
    if (!path.starts_with(subdir) || path.size() <= subdir.size() || path[subdir.size()] != '/') {
        return false;
    }
    const std::string_view rest = path.substr(subdir.size() + 1);
    return rest.find('/') == std::string_view::npos && rest.ends_with(extension);
}

Result<LoadedRuleFile> readFile(const std::filesystem::path& file, std::string path) {
    auto text = readFileBounded(file, kMaxRuleFileBytes);
    if (!text) {
        return fail("rule file {}", text.error().message);
    }
    return LoadedRuleFile{std::move(path), file.string(), std::move(*text)};
}

} // namespace

Result<std::vector<LoadedRuleFile>> loadRuleFiles(const std::string& rules_dir, std::string_view subdir,
                                                  std::string_view extension) {
    std::vector<LoadedRuleFile> files;
    if (rules_dir.empty()) {
        for (const RuleFile* f = kEmbeddedRuleFiles; !f->path.empty(); ++f) {
            if (directlyIn(f->path, subdir, extension)) {
                files.push_back({std::string(f->path), "embedded rules/" + std::string(f->path), std::string(f->text)});
            }
        }
        return files;
    }
    const std::filesystem::path dir = std::filesystem::path(rules_dir) / subdir;
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
        return fail("rules folder {}: {}", dir.string(), ec.message());
    }
    for (const auto& entry : it) {
        if (!entry.path().string().ends_with(extension) || !entry.is_regular_file(ec)) {
            continue;
        }
        auto file = readFile(entry.path(), std::string(subdir) + "/" + entry.path().filename().string());
        KANSOKU_TRY(file);
        files.push_back(std::move(*file));
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

Result<LoadedRuleFile> loadRuleFile(const std::string& rules_dir, std::string_view path) {
    if (rules_dir.empty()) {
        for (const RuleFile* f = kEmbeddedRuleFiles; !f->path.empty(); ++f) {
            if (f->path == path) {
                return LoadedRuleFile{std::string(f->path), "embedded rules/" + std::string(f->path),
                                      std::string(f->text)};
            }
        }
        return fail("no rule file {} is compiled in", path);
    }
    return readFile(std::filesystem::path(rules_dir) / path, std::string(path));
}

} // namespace kansoku::rules

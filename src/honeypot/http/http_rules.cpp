#include "honeypot/http/http_rules.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include <re2/re2.h>
#include <toml++/toml.h>

#include "common/file_reader.h"
#include "honeypot/http/http_decode.h"

namespace kansoku::honeypot::http {

namespace {

constexpr uint64_t kMaxHttpRuleFileBytes = 4 << 20;

constexpr int64_t kRegexMaxMem = 1 << 20;

Result<RuleField> parseField(std::string_view text, std::string& header_name) {
    static const std::pair<std::string_view, RuleField> kFields[] = {
        {"method", RuleField::Method}, {"target", RuleField::Target},   {"path", RuleField::Path},
        {"query", RuleField::Query},   {"headers", RuleField::Headers}, {"body", RuleField::Body},
        {"any", RuleField::Any}};
    for (const auto& [name, field] : kFields) {
        if (text == name) {
            return field;
        }
    }
    if (text.rfind("header:", 0) == 0 && text.size() > 7) {
        header_name.assign(text.substr(7));
        return RuleField::Header;
    }
    return fail("unknown field '{}'", text);
}

Result<RuleCondition> parseCondition(const toml::table& table) {
    RuleCondition condition;
    for (const auto& [key, value] : table) {
        std::string_view k = key.str();
        if (k != "field" && k != "contains" && k != "equals" && k != "regex" && k != "nocase") {
            return fail("unknown key '{}' in a match", k);
        }
    }
    auto field = table["field"].value<std::string>();
    if (!field) {
        return fail("a match needs field = \"...\"");
    }
    auto parsed = parseField(*field, condition.header_name);
    if (!parsed) {
        return fail(parsed.error());
    }
    condition.field = *parsed;
    condition.nocase = table["nocase"].value_or(false);
    int kinds = 0;
    if (auto v = table["contains"].value<std::string>()) {
        condition.contains = condition.nocase ? toLowerAscii(*v) : *v;
        kinds += condition.contains.empty() ? 10 : 1;
    }
    if (auto v = table["equals"].value<std::string>()) {
        condition.equals = *v;
        ++kinds;
    }
    if (auto v = table["regex"].value<std::string>()) {
        condition.regex = *v;
        RE2::Options options;
        options.set_encoding(RE2::Options::EncodingLatin1);
        options.set_case_sensitive(!condition.nocase);
        options.set_log_errors(false);
        options.set_max_mem(kRegexMaxMem);
        auto re = std::make_shared<RE2>(*v, options);
        if (!re->ok()) {
            return fail("bad regex '{}': {}", *v, re->error());
        }
        condition.compiled = std::move(re);
        ++kinds;
    }
    if (kinds != 1) {
        return fail("a match needs exactly one of contains (non-empty), equals, regex");
    }
    return condition;
}

bool containsNoCase(std::string_view haystack, std::string_view lower_needle) {
    auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                          [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
    return it != haystack.end() || lower_needle.empty();
}

bool testValue(const RuleCondition& c, std::string_view value) {
    if (!c.contains.empty()) {
        return c.nocase ? containsNoCase(value, c.contains) : value.find(c.contains) != std::string_view::npos;
    }
    if (c.compiled) {
        return RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *c.compiled);
    }
    return c.nocase ? equalsNoCase(value, c.equals) : value == c.equals;
}

/// The request's fields, raw and decoded once, built lazily per match() call.
class Fields {
public:
    explicit Fields(const HttpRequestRecord& r) : r_(r) {}

    /// Calls test on each value of the field (raw and decoded); true if any passes.
    template <typename Test>
    bool any(const RuleCondition& c, Test&& test) {
        switch (c.field) {
        case RuleField::Method:
            return test(r_.method);
        case RuleField::Target:
            return test(r_.target) || test(decoded(target_, r_.target, false));
        case RuleField::Path:
            return test(r_.path) || test(decoded(path_, r_.path, false));
        case RuleField::Query:
            return test(r_.query) || test(decoded(query_, r_.query, true));
        case RuleField::Header:
            for (const auto& h : r_.headers) {
                if (equalsNoCase(h.name, c.header_name) && (test(h.value) || test(decodeOnce(h.value, false)))) {
                    return true;
                }
            }
            return false;
        case RuleField::Headers:
            return test(headers()) || test(decoded(headers_decoded_, headers(), false));
        case RuleField::Body:
            return test(r_.body) || test(decoded(body_, r_.body, true));
        case RuleField::Any:
            if (!any_ready_) {
                any_raw_ = r_.target + "\n" + headers() + "\n" + r_.body;
                any_decoded_ = decodeOnce(r_.target, true) + "\n" + decoded(headers_decoded_, headers(), false) + "\n" +
                               decoded(body_, r_.body, true);
                any_ready_ = true;
            }
            return test(any_raw_) || test(any_decoded_);
        }
        return false;
    }

private:
    const std::string& decoded(std::optional<std::string>& slot, const std::string& raw, bool plus) {
        if (!slot) {
            slot = decodeOnce(raw, plus);
        }
        return *slot;
    }
    const std::string& headers() {
        if (!headers_) {
            std::string text;
            for (const auto& h : r_.headers) {
                text += h.name;
                text += ": ";
                text += h.value;
                text += '\n';
            }
            headers_ = std::move(text);
        }
        return *headers_;
    }

    const HttpRequestRecord& r_;
    std::optional<std::string> target_, path_, query_, body_, headers_, headers_decoded_;
    bool any_ready_ = false;
    std::string any_raw_, any_decoded_;
};

} // namespace

Result<HttpRuleSet> HttpRuleSet::parse(std::string_view toml_text, std::string_view origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, std::string(origin));
    } catch (const toml::parse_error& e) {
        return fail("{}: {}", origin, std::string(e.description()));
    }
    HttpRuleSet set;
    for (const auto& [key, value] : root) {
        if (key.str() != "rule") {
            return fail("{}: unknown top-level key '{}' (rules are [[rule]] tables)", origin, key.str());
        }
    }
    const toml::array* rules = root["rule"].as_array();
    if (rules == nullptr) {
        return fail("{}: no [[rule]] tables", origin);
    }
    std::set<std::string> ids;
    size_t index = 0;
    for (const auto& node : *rules) {
        ++index;
        const toml::table* table = node.as_table();
        if (table == nullptr) {
            return fail("{}: rule #{} is not a table", origin, index);
        }
        HttpRule rule;
        rule.id = (*table)["id"].value_or(std::string());
        std::string label = rule.id.empty() ? fmt::format("#{}", index) : "'" + rule.id + "'";
        if (rule.id.empty()) {
            return fail("{}: rule {}: id is missing", origin, label);
        }
        for (const auto& [key, value] : *table) {
            std::string_view k = key.str();
            if (k != "id" && k != "name" && k != "references" && k != "match") {
                return fail("{}: rule {}: unknown key '{}'", origin, label, k);
            }
        }
        rule.name = (*table)["name"].value_or(std::string());
        if (rule.name.empty()) {
            return fail("{}: rule {}: name is missing", origin, label);
        }
        if (const toml::array* refs = (*table)["references"].as_array()) {
            for (const auto& ref : *refs) {
                auto text = ref.value<std::string>();
                if (!text) {
                    return fail("{}: rule {}: references must be strings", origin, label);
                }
                rule.references.push_back(*text);
            }
        }
        if (rule.references.empty()) {
            return fail("{}: rule {}: references is missing (cite the CVE or advisory)", origin, label);
        }
        const toml::array* matches = (*table)["match"].as_array();
        if (matches == nullptr || matches->empty()) {
            return fail("{}: rule {}: needs at least one [[rule.match]]", origin, label);
        }
        for (const auto& m : *matches) {
            const toml::table* mt = m.as_table();
            if (mt == nullptr) {
                return fail("{}: rule {}: a match is not a table", origin, label);
            }
            auto condition = parseCondition(*mt);
            if (!condition) {
                return fail("{}: rule {}: {}", origin, label, condition.error().message);
            }
            rule.conditions.push_back(std::move(*condition));
        }
        if (!ids.insert(rule.id).second) {
            return fail("{}: rule {}: duplicate id", origin, label);
        }
        set.rules_.push_back(std::move(rule));
    }
    return set;
}

Result<HttpRuleSet> HttpRuleSet::loadFile(const std::string& path) {
    auto text = readFileBounded(path, kMaxHttpRuleFileBytes);
    KANSOKU_TRY(text);
    return parse(*text, path);
}

Result<HttpRuleSet> HttpRuleSet::loadDirectory(const std::string& dir) {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml") {
            files.push_back(entry.path().string());
        }
    }
    if (ec) {
        return fail("{}: cannot list: {}", dir, ec.message());
    }
    std::sort(files.begin(), files.end());
    HttpRuleSet set;
    for (const auto& file : files) {
        auto loaded = loadFile(file);
        if (!loaded) {
            return fail(loaded.error());
        }
        auto merged = set.merge(std::move(*loaded));
        if (!merged) {
            return fail("{}: {}", file, merged.error().message);
        }
    }
    return set;
}

Result<void> HttpRuleSet::merge(HttpRuleSet other) {
    for (auto& rule : other.rules_) {
        for (const auto& existing : rules_) {
            if (existing.id == rule.id) {
                return fail("rule '{}': duplicate id", rule.id);
            }
        }
        rules_.push_back(std::move(rule));
    }
    return {};
}

std::vector<RuleMatch> HttpRuleSet::match(const HttpRequestRecord& request) const {
    std::vector<RuleMatch> matches;
    Fields fields(request);
    for (const auto& rule : rules_) {
        bool all = std::all_of(rule.conditions.begin(), rule.conditions.end(), [&](const RuleCondition& c) {
            return fields.any(c, [&](std::string_view value) { return testValue(c, value); });
        });
        if (all) {
            matches.push_back(RuleMatch{rule.id, rule.name});
        }
    }
    return matches;
}

} // namespace kansoku::honeypot::http

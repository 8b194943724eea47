#pragma once

/// Exploit rules for HTTP requests (rules/http/*.toml; the format is in rules/http/README.md).
/// A rule matches when all its conditions hold; a condition tests one field of the request (raw, and
/// once-decoded: percent + HTML entities) with a substring or an RE2 regex (linear time on hostile
/// input). Rules are validated when loaded: a bad one is a one-line error naming file and rule.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "honeypot/http/http_request.h"

namespace re2 {
class RE2;
}

namespace kansoku::honeypot::http {

struct RuleMatch {
    std::string id;
    std::string name;
};

enum class RuleField : uint8_t { Method, Target, Path, Query, Header, Headers, Body, Any };

struct RuleCondition {
    RuleField field = RuleField::Any;
    std::string header_name; ///< RuleField::Header
    std::string contains;    ///< substring (lower-cased when nocase)
    std::string equals;      ///< whole value
    std::string regex;       ///< RE2 syntax
    bool nocase = false;
    std::shared_ptr<const re2::RE2> compiled;
};

struct HttpRule {
    std::string id;
    std::string name;
    std::vector<std::string> references;
    std::vector<RuleCondition> conditions;
};

class HttpRuleSet {
public:
    /// Parses one rules file's TOML text; `origin` names it in errors.
    static Result<HttpRuleSet> parse(std::string_view toml_text, std::string_view origin);
    static Result<HttpRuleSet> loadFile(const std::string& path);
    /// Every *.toml directly in `dir` (sorted by name; subdirectories such as personas/ are not read).
    static Result<HttpRuleSet> loadDirectory(const std::string& dir);

    /// Adds the other set's rules; error on a duplicate id.
    Result<void> merge(HttpRuleSet other);

    /// The rules the request matches, in rule order.
    std::vector<RuleMatch> match(const HttpRequestRecord& request) const;

    const std::vector<HttpRule>& rules() const { return rules_; }

private:
    std::vector<HttpRule> rules_;
};

} // namespace kansoku::honeypot::http

#include "web/taxii_filter.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "common/time.h"
#include "share/stix/stix_object_check.h"
#include "web/query_params.h"

namespace kansoku::web {
namespace {

constexpr size_t kMaxMatchValues = 100; // values in one match[...] (each is a term of the SQL)

std::vector<std::string> commaList(std::string_view text) {
    std::vector<std::string> out;
    while (true) {
        const size_t comma = text.find(',');
        out.emplace_back(text.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return out;
}

/// FNV-1a, 64 bits: stable across runs and builds, so tokens outlive a restart.
uint64_t fnv1a(std::string_view text) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

Result<TaxiiFilter> parseTaxiiFilter(std::string_view endpoint, std::string_view query,
                                     std::initializer_list<std::string_view> matches, int64_t max_page) {
    auto params = parseQueryParams(
        query, {"added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]"});
    KANSOKU_TRY(params);
    TaxiiFilter filter;
    auto& q = filter.query;
    std::string fingerprint(endpoint);
    for (const auto& [name, value] : *params) {
        if (!name.starts_with("match[")) {
            continue;
        }
        const auto field = std::string_view(name).substr(6, name.size() - 7);
        if (std::find(matches.begin(), matches.end(), field) == matches.end()) {
            return fail("{} is not a filter of this endpoint", name);
        }
        const auto values = commaList(value);
        if (values.size() > kMaxMatchValues) {
            return fail("{} lists more than {} values", name, kMaxMatchValues);
        }
        for (const auto& v : values) {
            if (v.empty()) {
                return fail("{} has an empty value", name);
            }
            if (field == "id") {
                const auto dashes = v.find("--");
                if (dashes == std::string::npos ||
                    !share::stix::isStixTypeName(std::string_view(v).substr(0, dashes))) {
                    return fail("match[id]: '{}' is not a STIX identifier", v);
                }
                q.ids.push_back(v);
            } else if (field == "type") {
                if (!share::stix::isStixTypeName(v)) {
                    return fail("match[type]: '{}' is not a STIX type", v);
                }
                q.types.push_back(v);
            } else if (field == "spec_version") {
                q.spec_versions.push_back(v);
            } else if (v == "all") {
                q.all_versions = true;
            } else if (v == "first") {
                q.first_version = true;
            } else if (v == "last") {
                // set below: last is the default only when match[version] is absent
            } else if (const auto ts = parseRfc3339(v)) {
                q.versions.push_back(*ts);
            } else {
                return fail("match[version]: '{}' is not last, first, all or a timestamp", v);
            }
        }
        if (field == "version") {
            q.last_version = std::find(values.begin(), values.end(), "last") != values.end();
        }
        fingerprint += fmt::format("&{}={}", name, value);
    }
    if (const auto it = params->find("added_after"); it != params->end()) {
        const auto ts = parseRfc3339(it->second);
        if (!ts) {
            return fail("added_after: '{}' is not an RFC 3339 timestamp", it->second);
        }
        q.added_after = *ts;
        fingerprint += "&added_after=" + it->second;
    }
    filter.limit = max_page;
    if (const auto it = params->find("limit"); it != params->end()) {
        int64_t limit = 0;
        const auto& text = it->second;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (ec != std::errc() || end != text.data() + text.size() || limit < 1) {
            return fail("limit: '{}' is not a positive integer", text);
        }
        filter.limit = std::min(limit, max_page);
    }
    q.limit = filter.limit + 1;
    filter.fingerprint = fmt::format("{:016x}", fnv1a(fingerprint));
    if (const auto it = params->find("next"); it != params->end()) {
        const auto& token = it->second;
        const auto dot = token.find('.');
        int64_t seq = 0;
        const bool parsed = dot != std::string::npos &&
                            std::from_chars(token.data(), token.data() + dot, seq, 16).ptr == token.data() + dot;
        if (!parsed || seq < 0) {
            return fail("next: '{}' is not a token this server gave", token);
        }
        if (token.substr(dot + 1) != filter.fingerprint) {
            return fail("next: the token was given for other filters; repeat them as they were");
        }
        q.after_seq = seq;
    }
    return filter;
}

std::string taxiiNextToken(const TaxiiFilter& filter, int64_t seq) {
    return fmt::format("{:x}.{}", seq, filter.fingerprint);
}

} // namespace kansoku::web

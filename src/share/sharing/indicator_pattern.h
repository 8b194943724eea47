#pragma once

/// The values a partner's STIX indicator names that kansoku can match its own observations against
/// (issue 12 item 4). STIX patterning (STIX 2.1 section 9) is a language; kansoku reads the subset
/// indicators of addresses, domains and hashes use: observation expressions joined by OR, each a
/// comparison or several joined by OR, on `ipv4-addr:value` (`=` a dotted quad or a CIDR, or ISSUBSET
/// a CIDR), `domain-name:value` (`=`) and `file:hashes.'SHA-256'` (`=`). A pattern with anything else
/// (AND, FOLLOWEDBY, qualifiers, other operators or objects) names no value kansoku could match
/// without losing the pattern's meaning: it gives none, and says so.

#include <string>
#include <string_view>
#include <vector>

namespace kansoku::share {

struct PatternValue {
    std::string kind;  ///< "ipv4", "ipv4-net", "domain", "sha256"
    std::string value; ///< normalised (PartnerIndicatorRecord::value)
};

struct PatternValues {
    std::vector<PatternValue> values;
    std::string unmatched; ///< why none could be taken ("" when values were taken)
};

/// At most 64 KiB of pattern and 10,000 values; beyond, no values.
PatternValues indicatorPatternValues(std::string_view pattern);

} // namespace kansoku::share

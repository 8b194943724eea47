// Fuzzes what a blocking feed takes from hostile input (share/blocklist): C2 domain names a sample
// asked its resolver for, C2 addresses from sandbox reports and family names from YARA rules and
// fingerprints. Checks the invariants the feeds rely on: an accepted domain is lowercase LDH (and
// '_') labels, at most 253 characters, no label an RPZ reads as policy ("rpz-..."), and it becomes
// exactly one zone line "<name> CNAME ." (or is left out, counted, when it does not fit under the
// zone's name); a family name keeps to [A-Za-z0-9._-]; the text and CSV
// feeds get one indicator line per entry whatever the input.
//
// Input: byte 0 selects what the rest is (even: a domain; odd: an address text); the rest up to the
// first NUL is the indicator, anything after it the family.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "share/blocklist/blocklist_format.h"
#include "share/blocklist/indicator_policy.h"

namespace {

using namespace kansoku::share::blocklist;

std::size_t count(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

void checkDomain(const std::string& name) {
    FUZZ_CHECK(!name.empty() && name.size() <= 253);
    std::size_t label = 0;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        FUZZ_CHECK(ok);
        label = c == '.' ? 0 : label + 1;
        FUZZ_CHECK(label <= 63);
    }
    FUZZ_CHECK(name.front() != '.' && name.back() != '.');
    FUZZ_CHECK(name.find("..") == std::string::npos);
    FUZZ_CHECK(!name.starts_with("rpz-") && name.find(".rpz-") == std::string::npos);
    FUZZ_CHECK(listableDomain(name) == name); // idempotent
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool domain = (data[0] & 1) == 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto nul = rest.find('\0');
    const std::string_view indicator = rest.substr(0, nul);
    const std::string_view family = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);

    const std::string feed_family = feedFamily(family);
    FUZZ_CHECK(!feed_family.empty() && feed_family.size() <= 64 && feed_family.front() != '-');
    for (const char c : feed_family) {
        FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '-');
    }

    BlocklistEntry entry;
    entry.family = feed_family;
    entry.reason = "c2";
    if (domain) {
        const auto listed = listableDomain(indicator);
        if (!listed) {
            return 0;
        }
        checkDomain(*listed);
        entry.type = IndicatorType::Domain;
        entry.indicator = *listed;
    } else {
        const auto address = kansoku::IpAddress::parse(indicator);
        if (!address || unlistableAddress(*address)) {
            return 0;
        }
        entry.indicator = address->toString();
        const std::string trigger = rpzIpTrigger(*address);
        FUZZ_CHECK(trigger.ends_with(".rpz-ip") && (trigger.starts_with("32.") || trigger.starts_with("128.")));
    }
    Blocklist blocklist;
    blocklist.entries.push_back(entry);
    const BlocklistConfig config;
    const std::string zone = formatRpz(blocklist, config);
    // A domain too long to sit under the zone's name (255 octets in all) is left out and counted.
    const bool fits = !domain || entry.indicator.size() + 1 + config.rpz_zone.size() + 1 <= 254;
    FUZZ_CHECK(count(zone, " CNAME .\n") == (fits ? 1u : 0u));
    FUZZ_CHECK(fits || zone.find("1 domains left out: too long") != std::string::npos);
    if (domain && fits) {
        FUZZ_CHECK(zone.find("\n" + entry.indicator + " CNAME .\n") != std::string::npos);
    }
    const std::string text = formatText(blocklist);
    FUZZ_CHECK(text.ends_with("\n" + entry.indicator + "\n"));
    const std::string csv = formatCsv(blocklist);
    FUZZ_CHECK(count(csv, "\r\n") == 2 && count(csv, "\n") == 2);
    return 0;
}

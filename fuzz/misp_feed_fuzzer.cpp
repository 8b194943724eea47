// Fuzzes the MISP feed reader (share/misp/misp_feed_reader.h) with a hostile partner feed: its
// manifest.json and the event file served for every uuid the manifest names. Checks what partner
// intelligence relies on: every record's kind is one of ipv4, ipv4-net, domain, sha256 and its value
// is in kansoku's normal form (dotted quad; masked a.b.c.d/len; a listable lower-case domain; 64
// lower-case hex digits), the indicator id is a lower-case uuid, the TLP is a TLP 2.0 name, the
// counts add up (records = indicators, attributes within the limit), the reader asks only for
// manifest.json and <uuid>.json, and reading is a pure function of the bytes.
//
// Input: manifest.json up to the first NUL, the event file after it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "fuzz_check.h"
#include "share/blocklist/indicator_policy.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_feed_reader.h"

namespace {

using namespace kansoku;
using namespace kansoku::share;

void checkRecord(const store::PartnerIndicatorRecord& r) {
    FUZZ_CHECK(misp::isEventUuid(r.indicator_id));
    FUZZ_CHECK(r.feed == "fuzz");
    FUZZ_CHECK(stix::parseTlp(r.tlp).has_value() && std::string(stix::tlpName(*stix::parseTlp(r.tlp))) == r.tlp);
    FUZZ_CHECK(r.name.size() <= 256);
    if (r.kind == "ipv4") {
        const auto address = IpAddress::parse(r.value);
        FUZZ_CHECK(address && address->isV4() && address->toString() == r.value);
    } else if (r.kind == "ipv4-net") {
        const auto slash = r.value.find('/');
        FUZZ_CHECK(slash != std::string::npos);
        const auto address = IpAddress::parse(std::string_view(r.value).substr(0, slash));
        FUZZ_CHECK(address && address->isV4() && address->toString() == r.value.substr(0, slash));
        const int length = std::stoi(r.value.substr(slash + 1));
        FUZZ_CHECK(length >= 0 && length < 32);
        FUZZ_CHECK(length == 0 || (address->v4() & ~(~uint32_t{0} << (32 - length))) == 0);
        FUZZ_CHECK(length != 0 || address->v4() == 0);
    } else if (r.kind == "domain") {
        FUZZ_CHECK(blocklist::listableDomain(r.value) == r.value);
    } else {
        FUZZ_CHECK(r.kind == "sha256");
        FUZZ_CHECK(r.value.size() == 64 && r.value.find_first_not_of("0123456789abcdef") == std::string::npos);
    }
}

struct Outcome {
    bool ok = false;
    std::vector<std::string> records;
    uint64_t refused = 0, attributes = 0;
};

Outcome readOnce(std::string_view manifest, std::string_view event) {
    misp::MispFeedReadOptions options;
    options.feed = "fuzz";
    options.limits.max_events = 16;
    options.limits.max_attributes = 64;
    options.limits.max_event_bytes = 1 << 16;
    misp::MispFeedReader reader(options);
    Outcome out;
    const auto fetch = [&](std::string_view path) -> kansoku::Result<std::string> {
        if (path == "manifest.json") {
            return std::string(manifest);
        }
        FUZZ_CHECK(path.size() == 41 && path.ends_with(".json") && misp::isEventUuid(path.substr(0, 36)));
        return std::string(event);
    };
    auto report = reader.read(fetch, [&out](store::PartnerIndicatorRecord&& r) -> kansoku::Result<void> {
        checkRecord(r);
        out.records.push_back(r.indicator_id + ' ' + r.kind + ' ' + r.value + ' ' + r.tlp);
        return {};
    });
    if (!report) {
        FUZZ_CHECK(report.error().message.find('\n') == std::string::npos);
        return out;
    }
    out.ok = true;
    FUZZ_CHECK(report->indicators == out.records.size());
    FUZZ_CHECK(report->events_read + report->events_refused + report->events_old <= report->events_listed);
    FUZZ_CHECK(report->attributes <= report->events_read * options.limits.max_attributes);
    out.refused = report->events_refused;
    out.attributes = report->attributes;
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nul = input.find('\0');
    const std::string_view manifest = input.substr(0, nul);
    const std::string_view event = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    const Outcome first = readOnce(manifest, event);
    const Outcome second = readOnce(manifest, event);
    FUZZ_CHECK(first.ok == second.ok && first.records == second.records && first.refused == second.refused &&
               first.attributes == second.attributes);
    return 0;
}

// C2 endpoints (the `c2` table, from sandbox reports) as STIX: per address or domain an observable,
// an indicator valid until last seen + c2_ttl, an infrastructure object (command-and-control), and
// the relationships indicator-indicates-infrastructure, infrastructure-consists-of-observable and
// malware-uses-infrastructure. Endpoints nobody may filter (private, loopback, the sandbox's own
// fake network, names that are not host names) are never shared (share/blocklist/indicator_policy).

#include <fmt/format.h>

#include "share/blocklist/indicator_policy.h"
#include "share/stix/stix_producer_run.h"
#include "store/sqlite_store.h"

namespace kansoku::share::stix::detail {
namespace {

/// One endpoint, all its C2 records (one per port) merged.
struct Endpoint {
    std::string type;  ///< ipv4-addr, ipv6-addr or domain-name
    std::string value; ///< normalised address or lowercase name
    std::set<uint16_t> ports;
    std::set<std::string> families;
    size_t samples = 0;
    Timestamp first_seen = INT64_MAX, last_seen = 0;
};

/// The endpoint a record names, or nothing when it must not be shared.
std::optional<Endpoint> endpointOf(const store::C2Record& record) {
    if (record.kind == "ip") {
        const auto address = IpAddress::parse(record.indicator);
        if (!address || blocklist::unlistableAddress(*address)) {
            return std::nullopt;
        }
        return Endpoint{address->isV4() ? "ipv4-addr" : "ipv6-addr", address->toString()};
    }
    auto domain = record.kind == "domain" ? blocklist::listableDomain(record.indicator) : std::nullopt;
    if (!domain) {
        return std::nullopt;
    }
    return Endpoint{"domain-name", std::move(*domain)};
}

std::string joined(const std::set<uint16_t>& ports) {
    std::string out;
    for (const uint16_t port : ports) {
        out += (out.empty() ? "" : ",") + std::to_string(port);
    }
    return out;
}

} // namespace

Result<void> ProducerRun::loadC2() {
    auto records = store_.c2Records(scope_.since > 0 ? std::optional<Timestamp>(scope_.since) : std::nullopt);
    KANSOKU_TRY(records);
    c2_ = std::move(*records);
    for (const store::C2Record& record : c2_) {
        if (record.family.empty() || record.family == "unknown") {
            continue;
        }
        FamilyInfo& family = families_[record.family];
        family.widen(record.first_seen, record.last_seen);
        ++family.c2;
        for (const std::string& sha256 : record.samples) {
            family.samples.insert(sha256);
            const auto sample = samples_.find(sha256);
            if (sample != samples_.end() && sample->second.family.empty()) {
                sample->second.family = record.family;
            }
        }
    }
    for (const auto& [sha256, sample] : samples_) {
        if (!sample.family.empty()) {
            families_[sample.family].widen(sample.first_seen, sample.last_seen);
        }
    }
    return {};
}

Result<void> ProducerRun::emitC2() {
    const Tlp tlp = tlps_.c2;
    const int64_t ttl = config_.c2_ttl.micros();
    // Records come ordered by kind then indicator: one endpoint's records (one per port) are adjacent.
    for (size_t i = 0; i < c2_.size();) {
        auto endpoint = endpointOf(c2_[i]);
        size_t next = i;
        for (; next < c2_.size() && c2_[next].kind == c2_[i].kind && c2_[next].indicator == c2_[i].indicator; ++next) {
            if (!endpoint) {
                continue;
            }
            const store::C2Record& record = c2_[next];
            if (record.port != 0) {
                endpoint->ports.insert(record.port);
            }
            if (!record.family.empty() && record.family != "unknown") {
                endpoint->families.insert(record.family);
            }
            endpoint->samples += record.samples.size();
            endpoint->first_seen = std::min(endpoint->first_seen, record.first_seen);
            endpoint->last_seen = std::max(endpoint->last_seen, record.last_seen);
        }
        if (!endpoint) {
            counts_.c2_refused += next - i;
            i = next;
            continue;
        }
        i = next;
        const Endpoint& e = *endpoint;
        const Timestamp first = e.first_seen;
        const Timestamp last = std::max(e.first_seen, e.last_seen);
        const std::string key = fmt::format("{}|{}", e.type == "domain-name" ? "domain" : e.type.substr(0, 4), e.value);

        const std::string sco_id = addressId(e.type, e.value);
        nlohmann::ordered_json sco = StixObjectBuilder::observable(e.type, sco_id);
        appendMember(sco, "value", e.value);
        KANSOKU_TRY(emitObservable(std::move(sco), tlp, first));

        const std::string families = e.families.empty() ? std::string("unknown family") : [&] {
            std::string out;
            for (const std::string& f : e.families) {
                out += (out.empty() ? "" : ", ") + f;
            }
            return out;
        }();
        const std::string indicator_id = builder_.ids().id("indicator", "indicator|" + key);
        nlohmann::ordered_json indicator = builder_.domainObject("indicator", indicator_id, first, last);
        appendMember(indicator, "name", fmt::format("C2 {} ({})", e.value, families));
        indicator["description"] =
            fmt::format("Command-and-control endpoint contacted by {} sandboxed sample(s){}{}.", e.samples,
                        e.ports.empty() ? "" : " on port(s) " + joined(e.ports), ", " + families);
        appendMember(indicator, "indicator_types", {"malicious-activity"});
        appendMember(indicator, "pattern", fmt::format("[{}:value = {}]", e.type, patternString(e.value)));
        appendMember(indicator, "pattern_type", "stix");
        appendMember(indicator, "pattern_version", "2.1");
        appendMember(indicator, "valid_from", stixTime(first));
        appendMember(indicator, "valid_until", stixTime(last + ttl));
        KANSOKU_TRY(emit(std::move(indicator), tlp, last));

        const std::string infrastructure_id = builder_.ids().id("infrastructure", "infrastructure|c2|" + key);
        nlohmann::ordered_json infrastructure = builder_.domainObject("infrastructure", infrastructure_id, first, last);
        appendMember(infrastructure, "name", fmt::format("C2 {}", e.value));
        appendMember(infrastructure, "infrastructure_types", {"command-and-control", "botnet"});
        appendMember(infrastructure, "first_seen", stixTime(first));
        appendMember(infrastructure, "last_seen", stixTime(last));
        KANSOKU_TRY(emit(std::move(infrastructure), tlp, last));

        KANSOKU_TRY(emitRelationship(indicator_id, "indicates", infrastructure_id, first, last, tlp));
        KANSOKU_TRY(emitRelationship(infrastructure_id, "consists-of", sco_id, first, last, tlp));
        for (const std::string& family : e.families) {
            KANSOKU_TRY(emitRelationship(malwareId(family), "uses", infrastructure_id, first, last,
                                         stricter(tlp, tlps_.malware)));
        }
    }
    return {};
}

} // namespace kansoku::share::stix::detail

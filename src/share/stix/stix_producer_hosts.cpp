// Infected hosts (the `infected_hosts` table) as STIX, only as the subscriber policy allows: never
// (Withhold), under their Crypto-PAn pseudonym, or merged into their /24 (/48 for IPv6). Each
// shared address gets an observable, an indicator ("compromised", valid until last seen +
// host_ttl), a sighting counting the darknet scan records and honeypot sessions from it, and
// indicator-indicates-malware for each known family. The real address appears nowhere.

#include <fmt/format.h>

#include "share/stix/stix_producer_run.h"
#include "store/sqlite_store.h"

namespace kansoku::share::stix::detail {
namespace {

/// The hosts that share one published address (one host, or one /24).
struct HostGroup {
    std::string value;
    bool v4 = true;
    uint64_t hosts = 0;
    uint64_t sightings = 0; ///< darknet scan records and honeypot sessions
    std::set<std::string> families;
    Timestamp first_seen = INT64_MAX, last_seen = 0;
};

} // namespace

Result<void> ProducerRun::loadHosts() {
    store::HostQuery query;
    if (scope_.since > 0) {
        query.seen_since = scope_.since;
    }
    query.evidence = false;
    auto hosts = store_.infectedHosts(query);
    KANSOKU_TRY(hosts);
    hosts_ = std::move(*hosts);
    for (const store::InfectedHostRecord& host : hosts_) {
        if (!host.family.empty() && host.family != "unknown") {
            FamilyInfo& family = families_[host.family];
            family.widen(host.first_seen, host.last_seen);
            ++family.hosts;
        }
    }
    return {};
}

Result<void> ProducerRun::emitHosts() {
    if (addresses_.policy() == SubscriberPolicy::Withhold) {
        counts_.hosts_withheld += hosts_.size();
        return {};
    }
    const Tlp tlp = tlps_.hosts;
    std::map<std::string, HostGroup> groups;
    for (const store::InfectedHostRecord& host : hosts_) {
        auto value = addresses_.map(host.ip);
        if (!value) {
            ++counts_.hosts_withheld;
            continue;
        }
        HostGroup& group = groups[*value];
        group.value = *value;
        group.v4 = host.ip.isV4();
        ++group.hosts;
        if (!host.family.empty() && host.family != "unknown") {
            group.families.insert(host.family);
        }
        group.first_seen = std::min(group.first_seen, host.first_seen);
        group.last_seen = std::max(group.last_seen, host.last_seen);
        for (const char* type : {"darknet.scan", "honeypot.session"}) {
            store::EventQuery query;
            query.type = type;
            query.subject = host.ip.toString();
            if (scope_.since > 0) {
                query.since = scope_.since;
            }
            auto count = store_.countEvents(query);
            KANSOKU_TRY(count);
            group.sightings += *count;
        }
    }
    const bool pseudonyms = addresses_.policy() == SubscriberPolicy::Pseudonymise;
    for (const auto& [value, group] : groups) {
        const std::string type = group.v4 ? "ipv4-addr" : "ipv6-addr";
        const Timestamp first = group.first_seen;
        const Timestamp last = std::max(group.first_seen, group.last_seen);
        const std::string key = fmt::format("{}|{}", type.substr(0, 4), value);
        const std::string sco_id = addressId(type, value);
        nlohmann::ordered_json sco = StixObjectBuilder::observable(type, sco_id);
        appendMember(sco, "value", value);
        KANSOKU_TRY(emitObservable(std::move(sco), tlp, first));

        const std::string indicator_id = builder_.ids().id("indicator", "indicator|infected|" + key);
        nlohmann::ordered_json indicator = builder_.domainObject("indicator", indicator_id, first, last);
        appendMember(indicator, "name",
                     pseudonyms ? fmt::format("Infected host (pseudonym {})", value)
                                : fmt::format("Infected hosts in {}", value));
        indicator["description"] =
            pseudonyms ? std::string("An address kansoku believes infected, replaced by its prefix-preserving "
                                     "Crypto-PAn pseudonym (the same address and prefix always map alike).")
                       : fmt::format("{} address(es) in this prefix that kansoku believes infected.", group.hosts);
        appendMember(indicator, "indicator_types", {"compromised"});
        if (pseudonyms) {
            // Not an address anyone can match traffic against: says so to machines too (share/sharing's
            // client takes no values from it).
            appendMember(indicator, "labels", {std::string(kPseudonymLabel)});
        }
        appendMember(indicator, "pattern", fmt::format("[{}:value = {}]", type, patternString(value)));
        appendMember(indicator, "pattern_type", "stix");
        appendMember(indicator, "pattern_version", "2.1");
        appendMember(indicator, "valid_from", stixTime(first));
        appendMember(indicator, "valid_until", stixTime(last + config_.host_ttl.micros()));
        KANSOKU_TRY(emit(std::move(indicator), tlp, last));

        nlohmann::ordered_json sighting =
            builder_.domainObject("sighting", builder_.ids().id("sighting", "sighting|infected|" + key), first, last);
        appendMember(sighting, "description", "Darknet scan records and honeypot sessions from this source.");
        appendMember(sighting, "first_seen", stixTime(first));
        appendMember(sighting, "last_seen", stixTime(last));
        appendMember(sighting, "count", std::clamp<int64_t>(static_cast<int64_t>(group.sightings), 1, kMaxStixCount));
        appendMember(sighting, "sighting_of_ref", indicator_id);
        appendMember(sighting, "where_sighted_refs", {builder_.identityId()});
        KANSOKU_TRY(emit(std::move(sighting), tlp, last));

        for (const std::string& family : group.families) {
            KANSOKU_TRY(emitRelationship(indicator_id, "indicates", malwareId(family), first, last,
                                         stricter(tlp, tlps_.malware)));
        }
    }
    return {};
}

} // namespace kansoku::share::stix::detail

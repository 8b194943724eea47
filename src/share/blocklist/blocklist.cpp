#include "share/blocklist/blocklist.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "share/blocklist/indicator_policy.h"

namespace kansoku::share::blocklist {
namespace {

using Key = std::tuple<IndicatorType, IpAddress, std::string>; // domains sort by name, addresses by value

void merge(std::map<Key, BlocklistEntry>& entries, const Key& key, BlocklistEntry entry) {
    auto [it, inserted] = entries.try_emplace(key, entry);
    if (inserted) {
        return;
    }
    BlocklistEntry& listed = it->second;
    if (listed.reason.find(entry.reason) == std::string::npos) {
        listed.reason += ";" + entry.reason;
    }
    if (listed.family == "unknown") {
        listed.family = entry.family;
    }
    listed.first_seen = std::min(listed.first_seen, entry.first_seen);
    listed.last_seen = std::max(listed.last_seen, entry.last_seen);
    listed.expires = std::max(listed.expires, entry.expires);
}

bool stillListed(store::HostState state) {
    // Remediated hosts seen again are Reinfected, so they are listed again.
    return state != store::HostState::Remediated && state != store::HostState::FalsePositive &&
           state != store::HostState::Disputed;
}

} // namespace

std::string_view indicatorTypeName(IndicatorType type) {
    return type == IndicatorType::Ip ? "ip" : "domain";
}

std::string feedFamily(std::string_view family) {
    std::string out;
    for (const char c : family.substr(0, 64)) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || (c == '-' && !out.empty());
        out += plain ? c : '_';
    }
    return out.empty() ? "unknown" : out;
}

Result<Blocklist> buildBlocklist(store::IntelStore& store, const BlocklistConfig& config, Timestamp now,
                                 const std::optional<AddressScope>& host_scope) {
    Blocklist blocklist;
    blocklist.generated = now;
    std::map<Key, BlocklistEntry> entries;

    auto c2 = store.c2Records(now - config.c2_ttl.micros());
    KANSOKU_TRY(c2);
    for (const auto& record : *c2) {
        BlocklistEntry entry{IndicatorType::Ip,
                             "",
                             "c2",
                             feedFamily(record.family),
                             record.first_seen,
                             record.last_seen,
                             record.last_seen + config.c2_ttl.micros()};
        if (record.kind == "ip") {
            const auto address = IpAddress::parse(record.indicator);
            if (!address || unlistableAddress(*address)) {
                ++blocklist.skipped;
                continue;
            }
            entry.indicator = address->toString();
            merge(entries, {IndicatorType::Ip, *address, ""}, std::move(entry));
        } else {
            auto domain = listableDomain(record.indicator);
            if (record.kind != "domain" || !domain) {
                ++blocklist.skipped;
                continue;
            }
            entry.type = IndicatorType::Domain;
            entry.indicator = *domain;
            merge(entries, {IndicatorType::Domain, IpAddress(), *domain}, std::move(entry));
        }
    }

    store::HostQuery query;
    query.scope = host_scope;
    query.seen_since = now - config.host_ttl.micros();
    auto hosts = store.infectedHosts(query);
    KANSOKU_TRY(hosts);
    for (const auto& host : *hosts) {
        if (!stillListed(host.state)) {
            continue;
        }
        merge(entries, {IndicatorType::Ip, host.ip, ""},
              {IndicatorType::Ip, host.ip.toString(), "infected_host", feedFamily(host.family), host.first_seen,
               host.last_seen, host.last_seen + config.host_ttl.micros()});
    }

    blocklist.entries.reserve(entries.size());
    for (auto& [key, entry] : entries) {
        if (entry.expires > now) {
            blocklist.entries.push_back(std::move(entry));
        }
    }
    return blocklist;
}

} // namespace kansoku::share::blocklist

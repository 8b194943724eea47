#pragma once

/// What the store keeps about an infected host and a C2 endpoint (tables `infected_hosts`, `c2`;
/// migration 0002). Correlation (src/intel) fills the observation part; the response loop (ISP
/// feedback, notices) owns the state part, which an upsert of new observations leaves alone except
/// for marking re-infection.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address_scope.h"
#include "common/ip_address.h"
#include "common/time.h"
#include "store/partner_intel_record.h"

namespace kansoku::store {

/// One piece of evidence: the event that showed it, enough to find it again in `events`.
struct EvidenceRef {
    std::string type;   ///< event type, e.g. "honeypot.download"
    Timestamp ts = 0;   ///< the event's ts
    std::string sensor; ///< the event's sensor
    std::string ref;    ///< what inside it: session id, sample SHA-256, "tcp/23", ...
};

/// Where a host is in the closed loop (issue 11 item 7).
enum class HostState : uint8_t { New, Notified, Remediated, Disputed, FalsePositive, Reinfected };

std::string_view hostStateName(HostState state);
/// "new", "notified", "remediated", "disputed", "false_positive", "reinfected"; nullopt otherwise.
std::optional<HostState> parseHostState(std::string_view name);

struct InfectedHostRecord {
    IpAddress ip;
    std::optional<uint32_t> asn; ///< origin AS, when enrichment knew it
    std::string as_name;
    std::string country; ///< ISO 3166 alpha-2, or ""
    std::string family = "unknown";
    int confidence = 0;               ///< 0-100
    std::vector<std::string> reasons; ///< why it is believed infected, one line each
    std::vector<EvidenceRef> evidence;
    std::vector<PartnerLabel> partner_intel; ///< partners' indicators that name this host
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    Timestamp updated = 0; ///< when the row last changed (set by the store on upsert)

    // The response state. An upsert does not change these, except: a Remediated host seen after
    // it was remediated becomes Reinfected (reinfections + 1).
    HostState state = HostState::New;
    Timestamp state_changed = 0;
    std::optional<Timestamp> notified_at;
    std::optional<Timestamp> remediated_at;
    int reinfections = 0;
    std::string notice_token; ///< "" when no notice was issued
    std::optional<Timestamp> notice_expires;
};

/// Which infected hosts to read. Unset members do not filter; rows come ordered by address, so
/// `after` (the last address of the previous page) pages through them without gaps or repeats.
struct HostQuery {
    std::optional<AddressScope> scope; ///< inside this space (a tenant's); nullopt: everywhere
    std::optional<Timestamp> seen_since;
    std::optional<IpAddress> after;
    std::optional<std::string> family;
    int64_t limit = 0;    ///< 0: no limit
    bool evidence = true; ///< false: InfectedHostRecord::evidence left empty (lists that do not show it read faster)
};

/// A command-and-control endpoint from sandbox reports.
struct C2Record {
    std::string kind;      ///< "ip" or "domain"
    std::string indicator; ///< the address or the domain name
    uint16_t port = 0;     ///< 0 for a domain
    std::string family = "unknown";
    std::vector<std::string> samples;        ///< SHA-256 of the samples that contacted it
    std::vector<PartnerLabel> partner_intel; ///< partners' indicators that name this endpoint
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
};

/// One ISP statement about one of its hosts.
struct FeedbackRecord {
    std::string isp;
    IpAddress ip;
    HostState state = HostState::Notified; ///< Notified, Remediated, Disputed or FalsePositive
    Timestamp ts = 0;
    std::string note;
};

} // namespace kansoku::store

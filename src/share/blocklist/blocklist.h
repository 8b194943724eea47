#pragma once

/// A blocking feed's content (issue 11 item 8): C2 addresses and domains seen in sandbox reports,
/// and infected hosts still active, one entry per indicator, each with why it is listed and until
/// when. Formats: blocklist_format.h.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/address_scope.h"
#include "common/result.h"
#include "common/time.h"
#include "share/blocklist/blocklist_config.h"
#include "store/intel_store.h"

namespace kansoku::share::blocklist {

enum class IndicatorType { Ip, Domain };

/// "ip" or "domain".
std::string_view indicatorTypeName(IndicatorType type);

struct BlocklistEntry {
    IndicatorType type = IndicatorType::Ip;
    std::string indicator; ///< canonical address text, or a lowercase domain without trailing dot
    std::string reason;    ///< "c2", "infected_host", or both as "c2;infected_host"
    std::string family;    ///< malware family, reduced to [A-Za-z0-9._-] (it comes from hostile input)
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    Timestamp expires = 0; ///< last_seen + the reason's ttl ([web.blocklist])
};

struct Blocklist {
    Timestamp generated = 0;
    std::vector<BlocklistEntry> entries; ///< addresses (in address order), then domains (by name)
    std::size_t skipped = 0;             ///< C2 records refused by indicator_policy
};

/// What goes into the feed at `now`: C2 endpoints last seen within c2_ttl, infected hosts last seen
/// within host_ttl whose ISP has not reported them remediated, a false positive or disputed.
/// `host_scope` limits the infected hosts to a tenant's space (C2 endpoints are for everyone).
Result<Blocklist> buildBlocklist(store::IntelStore& store, const BlocklistConfig& config, Timestamp now,
                                 const std::optional<AddressScope>& host_scope = std::nullopt);

/// A family name as feeds carry it: characters outside [A-Za-z0-9._-] become '_', a leading '-'
/// too (spreadsheets read "-..." as a formula), at most 64 characters; "" becomes "unknown".
std::string feedFamily(std::string_view family);

} // namespace kansoku::share::blocklist

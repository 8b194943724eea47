#pragma once

/// [web.blocklist]: what the blocking feeds list and for how long (issue 11 item 8). The feeds are
/// served by the web server (GET /api/v1/blocklist.*) and written by `kansoku export blocklist`,
/// both from these settings.

#include <string>

#include "common/config_visitor.h"
#include "common/duration.h"

namespace kansoku::share::blocklist {

struct BlocklistConfig {
    /// An infected host is listed until last_seen + host_ttl: addresses of home subscribers are
    /// dynamic, so an old sighting says little about who holds the address now.
    Duration host_ttl = Duration::fromDays(7);
    /// A C2 address or domain is listed until last_seen + c2_ttl.
    Duration c2_ttl = Duration::fromDays(30);
    std::string rpz_zone = "kansoku.rpz";        ///< the RPZ zone's name (the resolver's response-policy names it)
    Duration rpz_ttl = Duration::fromMinutes(5); ///< TTL of the zone's records and its SOA minimum
};

void visitConfig(ConfigVisitor& v, BlocklistConfig& c);

} // namespace kansoku::share::blocklist

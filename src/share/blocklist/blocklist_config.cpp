#include "share/blocklist/blocklist_config.h"

#include "share/blocklist/indicator_policy.h"

namespace kansoku::share::blocklist {

void visitConfig(ConfigVisitor& v, BlocklistConfig& c) {
    v.duration("host_ttl", c.host_ttl, Duration::fromHours(1), Duration::fromDays(365),
               "an infected host is listed until its last sighting plus this (dynamic addresses change hands)");
    v.duration("c2_ttl", c.c2_ttl, Duration::fromHours(1), Duration::fromDays(3650),
               "a C2 address or domain is listed until its last sighting plus this");
    v.text("rpz_zone", c.rpz_zone, "name of the DNS RPZ zone (as the resolver's response-policy names it)");
    v.duration("rpz_ttl", c.rpz_ttl, Duration::fromSeconds(1), Duration::fromDays(1), "TTL of the RPZ zone's records");
    v.check(isZoneName(c.rpz_zone), "web.blocklist.rpz_zone must be a DNS name (letters, digits, '-', dots)");
}

} // namespace kansoku::share::blocklist

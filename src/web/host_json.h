#pragma once

/// Infected hosts as the ISP API sends them (docs/isp.md). Written by hand rather than through a
/// JSON DOM: a page is up to 1,000 hosts and the server has one thread (issue 11 "Speed").

#include <string>
#include <string_view>

#include "store/infected_host_record.h"

namespace kansoku::web {

/// Appends `text` as a JSON string (RFC 8259 section 7); bytes that are not valid UTF-8 become
/// U+FFFD.
void appendJsonString(std::string& out, std::string_view text);

/// Appends one host object: ip, asn, as_name, country, family, confidence, reasons, first_seen,
/// last_seen, state, state_changed, notified_at, remediated_at, reinfections, and notice (the
/// notice page's path while its token is valid at `now`, else null); with `evidence`, its
/// evidence references too. Times are RFC 3339 UTC. With `isp` (the dashboard's), also the ISP tenant
/// holding the address (null when empty).
void appendHostJson(std::string& out, const store::InfectedHostRecord& host, Timestamp now, bool evidence,
                    const std::string* isp = nullptr);

} // namespace kansoku::web

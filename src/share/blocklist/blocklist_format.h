#pragma once

/// A Blocklist written for the tools that filter with it (issue 11 item 8):
///  - text: one indicator a line, preceded by a `#` comment line with its reason, family and expiry
///    (firewall URL tables, ipset, grep);
///  - CSV (RFC 4180, header line): indicator,type,reason,family,first_seen,last_seen,expires;
///  - RPZ: a DNS Response Policy Zone (draft-vixie-dnsop-dns-rpz) for a recursive resolver:
///    domains as QNAME triggers, addresses as response-IP triggers (`32.d.c.b.a.rpz-ip`, IPv6 as
///    `128.<groups reversed, "zz" for "::">.rpz-ip`), each with the NXDOMAIN action (`CNAME .`).

#include <optional>
#include <string>
#include <string_view>

#include "share/blocklist/blocklist.h"

namespace kansoku::share::blocklist {

enum class BlocklistFormat { Text, Csv, Rpz };

/// "txt", "csv", "rpz" -> the format; nothing otherwise.
std::optional<BlocklistFormat> parseBlocklistFormat(std::string_view name);
/// The Content-Type a format is served with.
std::string_view blocklistContentType(BlocklistFormat format);

std::string formatText(const Blocklist& blocklist);
std::string formatCsv(const Blocklist& blocklist);
/// The zone `config.rpz_zone`, its SOA serial the generation time in seconds (RFC 1982 serial
/// arithmetic: it grows with every later export until 2106).
std::string formatRpz(const Blocklist& blocklist, const BlocklistConfig& config);
std::string formatBlocklist(const Blocklist& blocklist, BlocklistFormat format, const BlocklistConfig& config);

/// The RPZ trigger owner name of one address (relative to the zone): "32.7.100.51.198.rpz-ip",
/// "128.1.zz.db8.2001.rpz-ip".
std::string rpzIpTrigger(const IpAddress& address);

} // namespace kansoku::share::blocklist

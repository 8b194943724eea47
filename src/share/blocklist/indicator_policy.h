#pragma once

/// Which indicators may go into a blocking feed. C2 records come from sandbox reports, where a
/// sample's traffic ends in the fake network: the fake network's own addresses (the DNS sinkhole,
/// the jail's address and gateway) and addresses no ISP can filter (loopback, private, link-local,
/// multicast, ...) are never listed. Domain names come from what a hostile sample asked its
/// resolver, so they are checked before they can become a line of a zone file.

#include <optional>
#include <string>
#include <string_view>

#include "common/ip_address.h"

namespace kansoku::share::blocklist {

/// Why `address` must not be listed ("loopback", "private", ..., "sandbox_fakenet"), or nothing.
std::optional<std::string_view> unlistableAddress(const IpAddress& address);

/// `name` lowercased without a trailing dot when it may be listed: LDH labels (and '_') of 1-63
/// characters, at least two labels, at most 253 characters, a top-level label that starts with a
/// letter, no label that RPZ reads as a trigger or action ("rpz-..."), not under localhost, local,
/// invalid or arpa. Otherwise nothing.
std::optional<std::string> listableDomain(std::string_view name);

/// Whether `name` can name a zone (the RPZ zone's own name): LDH labels, a trailing dot allowed.
bool isZoneName(std::string_view name);

} // namespace kansoku::share::blocklist

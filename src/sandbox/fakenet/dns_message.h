#pragma once

/// DNS queries as the fake network's resolver sees them (RFC 1035 4.1): the header and the first
/// question, parsed bounds-checked from a hostile sample's UDP payload, and the answer built for it.
/// Name compression pointers (RFC 1035 4.1.4) are followed only backwards and at most
/// kMaxDnsPointers times, so a pointer loop ends as BadName instead of spinning.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"

namespace kansoku::sandbox::fakenet {

constexpr int kMaxDnsPointers = 16;
constexpr size_t kMaxDnsNameLength = 255; ///< RFC 1035 2.3.4, in wire form

namespace dns_type {
constexpr uint16_t kA = 1;
constexpr uint16_t kAaaa = 28;
} // namespace dns_type

namespace dns_rcode {
constexpr uint8_t kNoError = 0;
constexpr uint8_t kFormErr = 1;
constexpr uint8_t kNxDomain = 3;
constexpr uint8_t kNotImp = 4;
} // namespace dns_rcode

struct DnsQuery {
    uint16_t id = 0;
    uint16_t flags = 0;
    uint16_t question_count = 0;
    /// The first question's name in presentation form, lower-cased; bytes outside [a-z0-9-_] are
    /// written as \DDD (RFC 4343) and a dot inside a label as "\.".
    std::string qname;
    uint16_t qtype = 0;
    uint16_t qclass = 0;
    size_t question_end = 0; ///< offset just past the first question
};

enum class DnsParseResult : uint8_t {
    Ok,
    Truncated,  ///< shorter than the header or the first question
    NotQuery,   ///< QR bit set: a response, not a query
    NoQuestion, ///< QDCOUNT 0
    BadName,    ///< label type 01/10, name too long, pointer forwards or too many pointers
};

std::string_view dnsParseResultName(DnsParseResult result);

/// Parses the header and the first question of `message`.
DnsParseResult parseDnsQuery(std::span<const uint8_t> message, DnsQuery& out);

/// The response to `query` (parsed from `message`): the same ID, opcode and RD, QR and RA set,
/// `rcode`, the first question copied, and one answer record if `answer` is set (an A record for an
/// IPv4 address, AAAA for IPv6) pointing at the question's name.
std::vector<uint8_t> buildDnsResponse(std::span<const uint8_t> message, const DnsQuery& query, uint8_t rcode,
                                      const std::optional<IpAddress>& answer, uint32_t ttl);

} // namespace kansoku::sandbox::fakenet

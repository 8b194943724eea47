#pragma once

/// Why a packet could not be (fully) decoded. Hostile input is data: each reason is counted, none
/// stops the pipeline (STYLE.md "Errors", after Zeek's weirds).

#include <array>
#include <cstdint>
#include <string_view>

namespace kansoku::capture {

enum class DecodeAnomaly : uint8_t {
    None = 0,
    NotIp,                  ///< ARP, LLDP, ...: counted, not an error
    TruncatedLink,          ///< shorter than its link-layer header
    TooManyVlanTags,        ///< more stacked 802.1Q/802.1ad tags than we follow
    TruncatedIpv4,          ///< shorter than 20 bytes or than its header length
    BadIpVersion,           ///< version nibble does not match the ethertype / link type
    BadIpv4HeaderLength,    ///< IHL < 5
    BadIpv4TotalLength,     ///< total length smaller than the header
    TruncatedIpv6,          ///< shorter than 40 bytes
    TruncatedIpv6Extension, ///< an extension header runs past the captured bytes
    TooManyIpv6Extensions,  ///< longer extension chain than we follow
    Fragment,               ///< a non-first fragment: no transport header to read
    TruncatedTcp,           ///< shorter than 20 bytes or than its data offset
    BadTcpDataOffset,       ///< data offset < 5
    TruncatedUdp,
    TruncatedIcmp,
    BadIcmpQuote, ///< an ICMP error whose quoted packet is unusable (counted; outer packet kept)
    UnknownLinkType,
    Count_
};

constexpr size_t kDecodeAnomalyCount = static_cast<size_t>(DecodeAnomaly::Count_);

/// snake_case name used in stats and docs ("truncated_ipv4").
std::string_view anomalyName(DecodeAnomaly anomaly);

/// Per-reason counters.
struct DecodeCounters {
    std::array<uint64_t, kDecodeAnomalyCount> by_reason{};
    void add(DecodeAnomaly a) { ++by_reason[static_cast<size_t>(a)]; }
    uint64_t get(DecodeAnomaly a) const { return by_reason[static_cast<size_t>(a)]; }
    /// Packets that failed to decode (everything but None, NotIp, BadIcmpQuote).
    uint64_t errors() const;
};

} // namespace kansoku::capture

#pragma once

/// Builds well-formed Ethernet/IPv4/IPv6 frames with TCP, UDP or ICMP and correct checksums, for
/// generated captures and test fixtures. Not for hostile input: it only writes.

#include <cstdint>
#include <span>
#include <vector>

#include "common/ip_address.h"

namespace kansoku::capture {

struct TcpFields {
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t flags = 0;
    uint16_t window = 0;
    uint16_t mss = 0; ///< adds an MSS option when non-zero
};

struct IpFields {
    IpAddress src;
    IpAddress dst;
    uint8_t ttl = 64;
    uint16_t ip_id = 0;
};

class PacketBuilder {
public:
    /// Ethernet II frames (true) or bare IP packets for DLT_RAW (false).
    explicit PacketBuilder(bool ethernet = true) : ethernet_(ethernet) {}

    std::span<const uint8_t> tcp(const IpFields& ip, const TcpFields& tcp);
    std::span<const uint8_t> udp(const IpFields& ip, uint16_t src_port, uint16_t dst_port,
                                 std::span<const uint8_t> payload = {});
    /// ICMP (IPv4) or ICMPv6 (IPv6) message with a 4-byte rest-of-header and a body.
    std::span<const uint8_t> icmp(const IpFields& ip, uint8_t type, uint8_t code, uint32_t rest,
                                  std::span<const uint8_t> body = {});
    /// An ICMP(v6) error quoting `quoted` (an IP packet, e.g. from ipOnly()).
    std::span<const uint8_t> icmpError(const IpFields& ip, uint8_t type, uint8_t code, std::span<const uint8_t> quoted);

    /// The IP packet of the last frame built (without the Ethernet header), e.g. to quote it.
    std::vector<uint8_t> lastIpPacket() const;

private:
    void begin(const IpFields& ip, uint8_t protocol, size_t transport_length);
    void finish(uint8_t protocol);

    bool ethernet_;
    std::vector<uint8_t> frame_;
    size_t ip_offset_ = 0;
    size_t transport_offset_ = 0;
};

} // namespace kansoku::capture

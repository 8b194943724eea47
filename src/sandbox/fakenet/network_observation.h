#pragma once

/// Everything the fake network saw the sample do, as plain values: DNS questions, TCP
/// connections with the first bytes sent, summaries of SYN probes, UDP, ICMP and other IP
/// traffic, scanner fingerprint counts, and counters for what was malformed or did not fit.
/// toJson() is the `network` part of a `sandbox.report`.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/ip_address.h"
#include "common/time.h"
#include "darknet/scanner_fingerprint.h"
#include "sandbox/fakenet/traffic_summary.h"

namespace kansoku::sandbox::fakenet {

struct DnsRecord {
    Timestamp ts = 0;
    IpAddress client;
    uint16_t client_port = 0;
    IpAddress resolver; ///< the address the sample sent the query to (8.8.8.8, 192.0.2.53, ...)
    std::string qname;
    uint16_t qtype = 0;
    uint8_t rcode = 0;
    std::string answer; ///< the address answered, empty if none
};

/// The TCP/IP header fields of a SYN, as darknet fingerprint rules use them.
struct SynProbe {
    uint8_t ttl = 0;
    uint16_t ip_id = 0;
    uint32_t seq = 0;
    uint16_t window = 0;
    uint16_t mss = 0;
    std::vector<uint8_t> options; ///< raw TCP option bytes
    darknet::ScannerTool tool = darknet::ScannerTool::Unknown;
};

enum class CloseReason : uint8_t {
    Open,        ///< still open when the observation was taken
    PeerFin,     ///< the sample closed (FIN)
    PeerReset,   ///< the sample reset (RST)
    IdleTimeout, ///< idle too long: the fake network closed it with FIN
    Evicted,     ///< dropped from the full connection table
};

std::string_view closeReasonName(CloseReason reason);

/// One TCP connection whose handshake completed.
struct ConnectionRecord {
    Timestamp first_seen = 0; ///< the SYN
    Timestamp last_seen = 0;
    IpAddress src;
    uint16_t src_port = 0;
    IpAddress dst;
    uint16_t dst_port = 0;
    SynProbe syn;
    std::vector<uint8_t> first_bytes; ///< what the sample sent, in order, up to the configured limit
    uint64_t bytes_received = 0;      ///< all in-order payload bytes, also beyond the limit
    uint64_t bytes_sent = 0;          ///< banner and reply bytes the fake network sent
    CloseReason closed = CloseReason::Open;
};

struct FakeNetCounters {
    uint64_t packets_in = 0;
    uint64_t bytes_in = 0;
    uint64_t packets_out = 0;
    uint64_t bytes_out = 0;
    uint64_t malformed_ip = 0;        ///< failed parseIp (truncated, bad version, lengths)
    uint64_t malformed_transport = 0; ///< TCP/UDP/ICMP header truncated or bad
    uint64_t malformed_dns = 0;       ///< UDP/53 payload that is not a parsable query
    uint64_t fragments = 0;           ///< fragmented datagrams: summarised, never answered
    uint64_t dns_queries = 0;
    uint64_t dns_records_dropped = 0;        ///< queries answered but not recorded (list full)
    uint64_t connections_evicted = 0;        ///< table full: oldest connection dropped for a new SYN
    uint64_t connection_records_dropped = 0; ///< handshakes completed with the record list full
    uint64_t half_open_closed = 0;           ///< SYN-ACKed, never ACKed (reset, idle or evicted)
    uint64_t tcp_out_of_order = 0;           ///< data past a gap: not stored, duplicate ACK sent
    uint64_t tcp_stray = 0;                  ///< non-SYN segments of no known connection: RST sent
    uint64_t tcp_rst_for_closed_port = 0;    ///< SYNs answered RST (configured closed ports)
    uint64_t bytes_not_recorded = 0;         ///< payload beyond the per-connection limit
    uint64_t icmp_echo_replies = 0;
    uint64_t ipv6_link_control = 0; ///< ICMPv6 MLD / neighbour discovery from the sample's kernel
    uint64_t write_errors = 0;      ///< replies the TUN fd did not take
};

struct NetworkObservation {
    std::vector<DnsRecord> dns;
    std::vector<ConnectionRecord> connections;
    TrafficSummary tcp_syn; ///< every SYN (without ACK) the sample sent, keyed by destination port
    TrafficSummary udp;     ///< UDP except to port 53, keyed by destination port
    TrafficSummary icmp;    ///< ICMP and ICMPv6, keyed by type
    TrafficSummary other;   ///< other IP protocols (raw sockets), keyed by protocol number
    std::array<uint64_t, darknet::kScannerToolCount> fingerprints{}; ///< SYNs per matching rule
    FakeNetCounters counters;

    uint64_t fingerprintCount(darknet::ScannerTool tool) const { return fingerprints[static_cast<size_t>(tool)]; }

    /// {dns: [...], connections: [...], scans: {tcp_syn, udp, icmp, other}, fingerprints: {tool: n},
    /// counters: {...}}.
    nlohmann::ordered_json toJson() const;
};

/// Printable ASCII of `bytes`, other bytes as '.', for a quick look at a protocol.
std::string printable(std::span<const uint8_t> bytes);

} // namespace kansoku::sandbox::fakenet

#pragma once

/// What the sample sent of one kind (TCP SYN probes, UDP, ICMP, other IP protocols), summarised
/// the way darknet scan records are: packets, bytes, destination ports with counts, distinct
/// destinations, rate, first and last time, plus the first few packets' headers so later stages
/// can re-run fingerprint rules on them. Every table is bounded; what did not fit is counted.

#include <cstdint>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/ip_address.h"
#include "common/time.h"

namespace kansoku::sandbox::fakenet {

struct TrafficSummaryLimits {
    size_t max_distinct_destinations = 65536; ///< exact up to this many; beyond, counted as overflow
    size_t max_keys = 65536;                  ///< distinct ports (or types / protocols) tracked
    size_t sample_packets = 20;               ///< packets whose first bytes are kept
    size_t sample_bytes = 64;                 ///< bytes kept of each sampled packet (from the IP header)
    size_t top_keys = 20;                     ///< ports listed in toJson()
};

class TrafficSummary {
public:
    explicit TrafficSummary(TrafficSummaryLimits limits = {}) : limits_(limits) {}

    /// One packet: `key` is the destination port (TCP/UDP), the ICMP type, or the IP protocol.
    void add(Timestamp ts, const IpAddress& dst, uint16_t key, std::span<const uint8_t> ip_packet);

    uint64_t packets() const { return packets_; }
    uint64_t bytes() const { return bytes_; }
    Timestamp firstSeen() const { return first_seen_; }
    Timestamp lastSeen() const { return last_seen_; }
    /// Distinct destinations seen (exact while under the limit, then a lower bound).
    uint64_t distinctDestinations() const { return destinations_.size(); }
    bool destinationsOverflowed() const { return destinations_overflow_ != 0; }
    /// Packets per second over [first, last], with the interval taken as at least one second.
    double packetsPerSecond() const;
    uint64_t countFor(uint16_t key) const;
    /// The `n` most frequent keys, most frequent first (ties: lower key first).
    std::vector<std::pair<uint16_t, uint64_t>> top(size_t n) const;
    const std::vector<std::vector<uint8_t>>& samples() const { return samples_; }

    /// {packets, bytes, first_seen, last_seen, pps, distinct_dsts, ..., <list_name>: [{<item_name>, count}],
    /// samples: [hex]}.
    nlohmann::ordered_json toJson(const char* list_name, const char* item_name) const;

private:
    TrafficSummaryLimits limits_;
    uint64_t packets_ = 0;
    uint64_t bytes_ = 0;
    Timestamp first_seen_ = 0;
    Timestamp last_seen_ = 0;
    std::set<IpAddress> destinations_;
    uint64_t destinations_overflow_ = 0;
    std::unordered_map<uint16_t, uint64_t> keys_;
    uint64_t keys_overflow_ = 0;
    std::vector<std::vector<uint8_t>> samples_;
};

/// Lower-case hex of bytes.
std::string toHex(std::span<const uint8_t> bytes);

} // namespace kansoku::sandbox::fakenet

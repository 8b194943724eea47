#pragma once

/// Per-(source, service) flows of a UDP reflector honeypot, after AmpPot (Krämer et al., RAID 2015,
/// section 3): answer the first few requests of a source per window so scanners see a real service,
/// then stay silent so the honeypot is no use as an amplifier; a source that keeps sending is the
/// spoofed victim of a reflection attack.
///
/// A flow ends after `idle_timeout` without a request (AmpPot: one hour). At its end (idle, evicted,
/// or flush) it becomes exactly one event: `ddos.attack` (evidence "reflector") if it reached
/// `attack_min_requests` (AmpPot: 100), else `honeypot.session` (a scanner or a client). No early
/// event is emitted when the threshold is crossed; the tracker is silent from then on.
///
/// Timestamps are arguments (deterministic tests); the table is bounded by `max_flows`, evicting the
/// least recently active flow (counted). Not thread-safe: one io_context thread.

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/event_sink.h"
#include "common/ip_address.h"
#include "honeypot/reflector/responder.h"

namespace kansoku::honeypot::reflector {

struct TrackerOptions {
    std::string sensor = "local";
    uint32_t answers_per_window = 3;                  ///< replies per source and service per window
    Timestamp window = 60 * kMicrosPerSecond;         ///< AmpPot: 3 replies per minute
    uint64_t attack_min_requests = 100;               ///< AmpPot's attack threshold
    Timestamp idle_timeout = 3600 * kMicrosPerSecond; ///< AmpPot: a flow ends after 1 h of silence
    size_t max_flows = 4096;                          ///< open flows, all services
    size_t max_ports_per_flow = 8;                    ///< distinct source ports kept per flow
};

struct TrackerCounters {
    uint64_t requests = 0;
    uint64_t answered = 0;      ///< requests the tracker allowed an answer for
    uint64_t suppressed = 0;    ///< requests over the per-window limit or from a flagged victim
    uint64_t flows = 0;         ///< flows opened
    uint64_t evicted = 0;       ///< flows closed early because the table was full
    uint64_t attacks = 0;       ///< ddos.attack events
    uint64_t sessions = 0;      ///< honeypot.session events
    uint64_t ports_dropped = 0; ///< source ports not kept (over max_ports_per_flow)
};

enum class FlowEnd : uint8_t { Idle, Evicted, End };

/// "idle", "evicted", "end" (the `closed` field of both events).
std::string_view flowEndName(FlowEnd end);

class ReflectorTracker {
public:
    ReflectorTracker(TrackerOptions options, EventSink& sink);

    /// Records one request; true if the honeypot should answer it. `dst_port` is the honeypot's
    /// port, `bytes` the request size.
    bool onRequest(const IpAddress& src, uint16_t src_port, Service service, uint16_t dst_port, size_t bytes,
                   Timestamp now);
    /// Records that a reply of `bytes` was sent for the flow (after onRequest returned true).
    void onReplySent(const IpAddress& src, Service service, size_t bytes);

    /// Closes flows idle for longer than idle_timeout at `now`.
    void expire(Timestamp now);
    /// Closes every flow (reason "end").
    void flush();

    size_t openFlows() const { return flows_.size(); }
    const TrackerCounters& counters() const { return counters_; }
    const TrackerOptions& options() const { return options_; }

private:
    struct Key {
        IpAddress src;
        Service service;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const {
            return static_cast<size_t>(hashAddress(k.src) * 31 + static_cast<uint64_t>(k.service));
        }
    };
    struct PortCount {
        uint16_t port;
        uint64_t packets;
    };
    struct Flow {
        Key key;
        uint64_t id = 0;
        uint16_t dst_port = 0;
        uint16_t first_src_port = 0;
        Timestamp first_seen = 0;
        Timestamp last_seen = 0;
        Timestamp window_start = 0;
        uint32_t window_answers = 0;
        uint64_t requests = 0;
        uint64_t answered = 0;
        uint64_t suppressed = 0;
        uint64_t bytes_in = 0;
        uint64_t bytes_out = 0;
        std::vector<PortCount> ports;
        bool ports_truncated = false; ///< more distinct source ports than max_ports_per_flow were seen
    };
    using FlowList = std::list<Flow>; ///< least recently active first

    void close(FlowList::iterator it, FlowEnd end);
    void emit(const Flow& flow, FlowEnd end);

    TrackerOptions options_;
    EventSink& sink_;
    FlowList order_;
    std::unordered_map<Key, FlowList::iterator, KeyHash> flows_;
    TrackerCounters counters_;
    uint64_t next_id_ = 0;
};

} // namespace kansoku::honeypot::reflector

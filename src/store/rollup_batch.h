#pragma once

/// What one write transaction adds to the dashboard's rollups (migrations 0006 and 0007): events per
/// type per minute and hour, darknet probes per minute (all ports and per port), the top-list counts
/// per hour (sources, tools, ports, credentials, commands) and a HyperLogLog of scan sources per hour.
/// Computed from the appended events in memory and written once per key when the transaction
/// commits, rather than by a trigger per inserted row: a batch of 100,000 events touches a few
/// thousand rollup rows. Backend-neutral: a store applies it with its own statements.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/event.h"
#include "common/hyperloglog.h"
#include "common/time.h"

namespace kansoku::store {

constexpr Timestamp kRollupMinute = 60 * kMicrosPerSecond;
constexpr Timestamp kRollupHour = 60 * kRollupMinute;
constexpr Timestamp kRollupDay = 24 * kRollupHour;

/// `t` rounded down to a multiple of `step` (also for times before the epoch).
constexpr Timestamp floorTo(Timestamp t, Timestamp step) {
    const Timestamp r = t % step;
    return r < 0 ? t - r - step : t - r;
}

/// The kinds of top_hours: the `kind` column's value and what orders a list of it.
struct TopRollupKind {
    std::string_view name; ///< "source", "tool", "port", "credential", "command"
    bool by_amount;        ///< ordered by amount (probes) rather than count
};

inline constexpr std::array<TopRollupKind, 5> kTopRollupKinds{{
    {"source", true},
    {"tool", false},
    {"port", true},
    {"credential", false},
    {"command", false},
}};

class RollupBatch {
public:
    struct Amounts {
        int64_t count = 0;
        int64_t amount = 0;
    };
    struct PortMinute {
        int64_t port;
        std::string proto;
        Timestamp minute;
        auto operator<=>(const PortMinute&) const = default;
    };
    struct TopKey {
        size_t kind; ///< index into kTopRollupKinds
        Timestamp hour;
        std::string key;
        bool operator==(const TopKey&) const = default;
    };
    struct TopKeyHash {
        size_t operator()(const TopKey& k) const {
            return std::hash<std::string>{}(k.key) ^ (static_cast<size_t>(k.hour) * 31 + k.kind);
        }
    };

    /// Adds what `event` contributes.
    void add(const Event& event);
    void clear();
    bool empty() const { return event_minutes_.empty(); }

    /// (type, minute) and (type, hour) -> events.
    const std::map<std::pair<std::string, Timestamp>, int64_t>& eventMinutes() const { return event_minutes_; }
    const std::map<std::pair<std::string, Timestamp>, int64_t>& eventHours() const { return event_hours_; }
    /// minute -> (packets, per-minute sources) over all ports.
    const std::map<Timestamp, Amounts>& probeMinutes() const { return probe_minutes_; }
    const std::map<PortMinute, Amounts>& portMinutes() const { return port_minutes_; }
    const std::unordered_map<TopKey, Amounts, TopKeyHash>& topHours() const { return top_hours_; }
    /// hour -> the scan sources seen in it.
    const std::map<Timestamp, HyperLogLog>& sourceSketches() const { return source_sketches_; }
    /// The latest event time added (0: none).
    Timestamp latest() const { return latest_; }

private:
    void addTop(size_t kind, Timestamp hour, std::string key, int64_t count, int64_t amount);

    std::map<std::pair<std::string, Timestamp>, int64_t> event_minutes_;
    std::map<std::pair<std::string, Timestamp>, int64_t> event_hours_;
    std::map<Timestamp, Amounts> probe_minutes_;
    std::map<PortMinute, Amounts> port_minutes_;
    std::unordered_map<TopKey, Amounts, TopKeyHash> top_hours_;
    std::map<Timestamp, HyperLogLog> source_sketches_;
    Timestamp latest_ = 0;
};

} // namespace kansoku::store

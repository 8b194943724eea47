#include "transport/sensor_loss_tracker.h"

#include <fmt/format.h>

namespace kansoku::transport {
namespace {

constexpr size_t kKeptGaps = 32;

uint64_t field(const Event& event, const char* key) {
    const auto it = event.fields.find(key);
    return it != event.fields.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

Event alert(const std::string& center, Timestamp now, std::string kind, std::string severity, std::string subject,
            nlohmann::ordered_json details) {
    Event event{"alert", now, center};
    event.add("kind", std::move(kind));
    event.add("severity", std::move(severity));
    event.add("subject", std::move(subject));
    event.add("details", std::move(details));
    return event;
}

} // namespace

SensorLossTracker::SensorLossTracker(Duration silent_after, Duration gap_after, std::string center)
    : silent_after_(silent_after), gap_after_(gap_after), center_(std::move(center)) {}

void SensorLossTracker::advance(Sensor& s) {
    while (!s.seen.empty() && s.seen.begin()->first <= s.contiguous + 1) {
        s.contiguous = std::max(s.contiguous, s.seen.begin()->second);
        s.seen.erase(s.seen.begin());
    }
    while (!s.pending.empty() && s.pending.begin()->first <= s.contiguous) {
        s.pending.erase(s.pending.begin());
    }
}

void SensorLossTracker::noteHeartbeat(Sensor& s, const Event& event) {
    auto& h = s.loss.heartbeat;
    h.sequence = field(event, "seq");
    h.captured = field(event, "captured");
    h.dropped_kernel = field(event, "dropped_kernel");
    h.spooled = field(event, "spooled");
    h.spool_pending = field(event, "spool_pending");
    h.spool_dropped = field(event, "spool_dropped");
    h.sent = field(event, "sent");
    h.acknowledged = field(event, "acknowledged");
    h.duplicates = field(event, "duplicates");
    h.resends = field(event, "resends");
    h.reconnects = field(event, "reconnects");
    s.loss.has_heartbeat = true;
    s.loss.heartbeat_ts = event.ts;
}

bool SensorLossTracker::observe(const Event& event, uint64_t sequence, Timestamp now) {
    std::lock_guard lock(mutex_);
    auto& s = sensors_[event.sensor];
    s.loss.sensor = event.sensor;
    s.loss.last_contact = now;
    s.loss.last_event_ts = event.ts;
    s.loss.lag_seconds = static_cast<double>(now - event.ts) / 1e6;
    s.loss.silent = false;
    if (event.type == kHeartbeatType) {
        noteHeartbeat(s, event);
        if (s.loss.heartbeat.sequence + 1 < s.contiguous && sequence <= s.contiguous) {
            // The sensor starts over (its spool was reset): forget what its old numbers covered.
            s.contiguous = sequence - 1;
            s.seen.clear();
            s.pending.clear();
            s.loss.highest_sequence = 0;
        }
    }
    if (s.loss.events == 0 && s.loss.redeliveries == 0) {
        // The first message this center sees of the sensor (a center started after it): nothing
        // before it counts as missing.
        s.contiguous = sequence - 1;
    }
    s.loss.highest_sequence = std::max(s.loss.highest_sequence, sequence);
    if (sequence <= s.contiguous) {
        for (auto& gap : s.loss.gaps) {
            if (sequence >= gap.first && sequence <= gap.last) {
                // Late, after its gap was reported: take it, and it is no longer missing.
                --s.loss.missing;
                if (gap.first == gap.last) {
                    gap.first = gap.last + 1; // empty; kept for the report
                } else if (sequence == gap.first) {
                    ++gap.first;
                } else if (sequence == gap.last) {
                    --gap.last;
                }
                ++s.loss.events;
                return true;
            }
        }
        ++s.loss.redeliveries;
        return false;
    }
    auto next = s.seen.upper_bound(sequence);
    if (next != s.seen.begin()) {
        auto prev = std::prev(next);
        if (sequence <= prev->second) {
            ++s.loss.redeliveries;
            return false;
        }
        if (prev->second + 1 == sequence) {
            prev->second = sequence;
            if (next != s.seen.end() && next->first == sequence + 1) {
                prev->second = next->second;
                s.seen.erase(next);
            }
            advance(s);
            ++s.loss.events;
            return true;
        }
    }
    if (next != s.seen.end() && next->first == sequence + 1) {
        const auto last = next->second;
        s.seen.erase(next);
        s.seen.emplace(sequence, last);
    } else {
        s.seen.emplace(sequence, sequence);
    }
    advance(s);
    if (!s.seen.empty()) {
        s.pending.emplace(s.contiguous + 1, now);
    }
    ++s.loss.events;
    return true;
}

std::vector<Event> SensorLossTracker::check(Timestamp now) {
    std::vector<Event> alerts;
    std::lock_guard lock(mutex_);
    for (auto& [name, s] : sensors_) {
        if (!s.loss.silent && now - s.loss.last_contact >= silent_after_.micros()) {
            s.loss.silent = true;
            alerts.push_back(alert(center_, now, "sensor.silent", "high", name,
                                   {{"last_contact", formatRfc3339(s.loss.last_contact)},
                                    {"silent_seconds", static_cast<double>(now - s.loss.last_contact) / 1e6},
                                    {"highest_sequence", s.loss.highest_sequence}}));
        }
        while (!s.seen.empty()) {
            const auto first = s.contiguous + 1;
            const auto last = s.seen.begin()->first - 1;
            auto noticed = s.pending.find(first);
            const Timestamp since = noticed != s.pending.end() ? noticed->second : now;
            if (noticed == s.pending.end()) {
                s.pending.emplace(first, now);
            }
            if (now - since < gap_after_.micros()) {
                break;
            }
            s.loss.gaps.push_back({first, last, since});
            if (s.loss.gaps.size() > kKeptGaps) {
                s.loss.gaps.erase(s.loss.gaps.begin());
            }
            s.loss.missing += last - first + 1;
            alerts.push_back(alert(
                center_, now, "sensor.sequence_gap", "medium", name,
                {{"first", first}, {"last", last}, {"missing", last - first + 1}, {"noticed", formatRfc3339(since)}}));
            s.contiguous = last;
            advance(s);
        }
    }
    return alerts;
}

std::vector<SensorLoss> SensorLossTracker::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<SensorLoss> out;
    out.reserve(sensors_.size());
    for (const auto& [name, s] : sensors_) {
        out.push_back(s.loss);
    }
    return out;
}

} // namespace kansoku::transport

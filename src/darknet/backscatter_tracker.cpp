#include "darknet/backscatter_tracker.h"

#include <algorithm>
#include <cmath>

#include "darknet/event_fields.h"
#include "events/ddos_attack.h"

namespace kansoku::darknet {

BackscatterTracker::BackscatterTracker(BackscatterTrackerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink), table_(options_.max_bytes) {
    if (options_.darknet_v4_size <= 4294967296.0) {
        v4_addresses_.universe = static_cast<uint64_t>(options_.darknet_v4_size);
    }
}

VictimRecord& BackscatterTracker::locate(const capture::DecodedPacket& p, const Classification& c, uint64_t hash) {
    bool inserted = false;
    VictimRecord& r = table_.findOrInsert(c.victim, hash, inserted);
    if (inserted) {
        r.first_seen = p.ts;
    }
    return r;
}

void BackscatterTracker::update(VictimRecord& r, const capture::DecodedPacket& p, const Classification& c) {
    r.last_seen = std::max(r.last_seen, p.ts);
    ++r.packets;
    ++r.by_vector[static_cast<size_t>(c.vector)];

    const Timestamp minute = p.ts - p.ts % kMicrosPerMinute;
    if (minute > r.minute) {
        r.minute = minute;
        r.minute_packets = 0;
    }
    ++r.minute_packets;
    r.peak_ppm = std::max(r.peak_ppm, r.minute_packets);

    ptrdiff_t heap = r.darknet_addresses.insert(c.dst_key, p.dst.isV4() ? v4_addresses_ : v6_addresses_);
    if (c.victim_port_known) {
        r.ports.add(c.victim_port);
        heap += r.port_set.insert(c.victim_port);
    }
    if (heap != 0) {
        table_.addHeapBytes(heap);
    }
}

void BackscatterTracker::reserve(size_t n) {
    table_.reserve(n,
                   [this](const IpAddress& v, VictimRecord&& rec, CloseReason why) { close(v, std::move(rec), why); });
}

void BackscatterTracker::enforceBudget() {
    table_.enforceBudget(
        [this](const IpAddress& v, VictimRecord&& rec, CloseReason why) { close(v, std::move(rec), why); });
}

void BackscatterTracker::expire(Timestamp now) {
    table_.expire(now, options_.idle_timeout,
                  [this](const IpAddress& v, VictimRecord&& rec, CloseReason why) { close(v, std::move(rec), why); });
}

void BackscatterTracker::closeAll() {
    table_.drain([this](const IpAddress& v, VictimRecord&& rec, CloseReason why) { close(v, std::move(rec), why); });
}

bool BackscatterTracker::isAttack(const VictimRecord& r) const {
    return r.packets >= options_.min_packets && r.last_seen - r.first_seen >= options_.min_duration &&
           r.peak_ppm >= options_.min_ppm;
}

void BackscatterTracker::close(const IpAddress& victim, VictimRecord&& r, CloseReason reason) {
    if (!isAttack(r)) {
        ++below_threshold_;
        return;
    }
    if (closed_ != nullptr) {
        closed_->keep(CloseOrder{r.first_seen, victim, 0}, victim, std::move(r), reason);
        return;
    }
    emit(victim, r, reason);
}

void BackscatterTracker::emit(const IpAddress& victim, const VictimRecord& r, CloseReason reason) {
    const auto dominant =
        static_cast<AttackVector>(std::max_element(r.by_vector.begin(), r.by_vector.end()) - r.by_vector.begin());
    const double duration_s =
        std::max(1.0, static_cast<double>(r.last_seen - r.first_seen) / static_cast<double>(kMicrosPerSecond));

    events::DdosAttack attack;
    attack.sensor = options_.sensor;
    attack.victim = victim.toString();
    attack.vector = attackVectorName(dominant);
    attack.start = r.first_seen;
    attack.end = r.last_seen;
    attack.duration_s = duration_s;
    attack.packets = r.packets;
    // The 2^32 / N scaling assumes sources spoofed uniformly over IPv4; it means nothing for
    // IPv6 victims, whose replies are reported without an estimate.
    if (victim.isV4() && options_.darknet_v4_size > 0) {
        const double observed_pps = static_cast<double>(r.packets) / duration_s;
        attack.est_pps = static_cast<uint64_t>(std::llround(observed_pps * 4294967296.0 / options_.darknet_v4_size));
    }
    for (const auto& [port, packets] : r.ports.top(options_.top_ports)) {
        attack.ports.emplace_back(port, packets);
    }
    attack.port_count = r.port_set.count();
    attack.closed = closeReasonName(reason);
    events::DdosAttack::Backscatter& backscatter = attack.backscatter.emplace();
    backscatter.peak_ppm = r.peak_ppm;
    for (size_t i = 0; i < kAttackVectorCount; ++i) {
        if (r.by_vector[i] != 0) {
            backscatter.vectors.emplace_back(attackVectorName(static_cast<AttackVector>(i)), r.by_vector[i]);
        }
    }
    backscatter.darknet_addresses = r.darknet_addresses.count();
    sink_.publish(attack.toEvent());
    ++attacks_;
}

} // namespace kansoku::darknet

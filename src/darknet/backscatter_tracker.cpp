#include "darknet/backscatter_tracker.h"

#include <algorithm>
#include <cmath>

#include "darknet/event_fields.h"

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
    const auto dominant =
        static_cast<AttackVector>(std::max_element(r.by_vector.begin(), r.by_vector.end()) - r.by_vector.begin());
    const double duration_s =
        std::max(1.0, static_cast<double>(r.last_seen - r.first_seen) / static_cast<double>(kMicrosPerSecond));

    Event event;
    event.type = "ddos.attack";
    event.ts = r.last_seen;
    event.sensor = options_.sensor;
    event.reserveFields(17);
    event.add("victim", victim.toString());
    event.add("vector", attackVectorName(dominant));
    event.add("evidence", "backscatter");
    event.add("start", formatRfc3339(r.first_seen));
    event.add("end", formatRfc3339(r.last_seen));
    event.add("duration_s", std::round(duration_s * 1000) / 1000);
    event.add("packets", r.packets);
    event.add("peak_ppm", r.peak_ppm);
    // The 2^32 / N scaling assumes sources spoofed uniformly over IPv4; it means nothing for
    // IPv6 victims, whose replies are reported without an estimate.
    if (victim.isV4() && options_.darknet_v4_size > 0) {
        const double observed_pps = static_cast<double>(r.packets) / duration_s;
        event.add("est_pps",
                  static_cast<uint64_t>(std::llround(observed_pps * 4294967296.0 / options_.darknet_v4_size)));
    } else {
        event.add("est_pps", nullptr);
    }
    event.add("ports", portCountsJson(r.ports.top(options_.top_ports)));
    event.add("port_count", r.port_set.count());
    auto vectors = nlohmann::ordered_json::object();
    for (size_t i = 0; i < kAttackVectorCount; ++i) {
        if (r.by_vector[i] != 0) {
            vectors[std::string(attackVectorName(static_cast<AttackVector>(i)))] = r.by_vector[i];
        }
    }
    event.add("vectors", std::move(vectors));
    event.add("darknet_addresses", r.darknet_addresses.count());
    event.add("closed", closeReasonName(reason));
    sink_.publish(event);
    ++attacks_;
}

} // namespace kansoku::darknet

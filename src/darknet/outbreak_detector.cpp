#include "darknet/outbreak_detector.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "darknet/event_fields.h"

namespace kansoku::darknet {
namespace {

/// sqrt(pi/2): the standard deviation of normal noise per unit of mean absolute deviation.
constexpr double kSigmaPerMeanDeviation = 1.2533141373155003;
/// A port whose baseline mean and deviation are both below this is forgotten (treated as new).
constexpr double kForget = 0.05;
/// EWMA weight of the level tracked while a port is alerting (adopted after adopt_intervals).
constexpr double kLevelAlpha = 0.1;
/// Updates of the long-term level are clipped at this multiple of it.
constexpr double kLongTermClipRatio = 1.5;
/// Empty intervals (no rows at all) replayed one by one after a gap; the rest of a longer gap
/// decays the levels in closed form.
constexpr uint64_t kMaxEmptyIntervals = 1024;
constexpr double kIpv4Space = 4294967296.0;

Timestamp floorTo(Timestamp t, Timestamp step) {
    const Timestamp r = t % step;
    return r < 0 ? t - r - step : t - r;
}

double rounded(double v) {
    return std::round(v * 1000.0) / 1000.0;
}

} // namespace

OutbreakDetector::OutbreakDetector(OutbreakDetectorOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink) {
    options_.interval = std::max<Timestamp>(kMicrosPerMinute, floorTo(options_.interval, kMicrosPerMinute));
    options_.max_ports = std::max<size_t>(options_.max_ports, 1);
    options_.alpha = std::clamp(options_.alpha, 1e-6, 1.0);
    options_.long_alpha = std::clamp(options_.long_alpha, 1e-6, 1.0);
    options_.rearm_intervals = std::max<uint32_t>(options_.rearm_intervals, 1);
    options_.adopt_intervals = std::max<uint32_t>(options_.adopt_intervals, 1);
}

double OutbreakDetector::minDetectableRate() const {
    if (options_.darknet_v4_size <= 0) {
        return 0;
    }
    const double seconds = static_cast<double>(options_.interval) / static_cast<double>(kMicrosPerSecond);
    return kIpv4Space / (options_.darknet_v4_size * seconds);
}

double OutbreakDetector::scaleOf(const PortState& s) const {
    // Poisson floor sqrt(m) + k/4: then m + k s >= (sqrt(m) + k/2)^2, the k-sigma bound of a Poisson
    // count on Anscombe's square-root scale, which allows for the long upper tail of small counts.
    return std::max(
        {kSigmaPerMeanDeviation * s.deviation, std::sqrt(s.mean) + options_.threshold_k / 4, options_.min_scale});
}

size_t OutbreakDetector::bytes() const {
    // libstdc++ nodes: next pointer + value (the hash of an integer key is not cached), plus buckets.
    constexpr size_t kNode = sizeof(void*) + sizeof(std::pair<const uint32_t, PortState>);
    return ports_.size() * kNode + ports_.bucket_count() * sizeof(void*) + pending_.capacity() * sizeof(Pending);
}

void OutbreakDetector::addMinute(Timestamp minute, uint8_t protocol, uint16_t port, uint64_t packets,
                                 uint64_t sources) {
    const Timestamp start = floorTo(minute, options_.interval);
    if (current_ < 0) {
        current_ = start;
    } else if (start > current_) {
        closeUntil(start);
    } else if (start < current_) {
        ++late_rows_;
        return;
    }
    last_minute_ = std::max(last_minute_, minute);
    const uint32_t k = key(protocol, port);
    auto it = ports_.find(k);
    if (it == ports_.end()) {
        if (ports_.size() >= options_.max_ports) {
            makeRoom();
        }
        it = ports_.emplace(k, PortState{}).first;
    }
    it->second.sources += sources;
    it->second.packets += packets;
}

void OutbreakDetector::advance(Timestamp now) {
    if (current_ < 0) {
        return;
    }
    const Timestamp start = floorTo(now, options_.interval);
    if (start > current_) {
        closeUntil(start);
    }
}

void OutbreakDetector::flush() {
    if (current_ < 0) {
        return;
    }
    closeInterval(true);
    current_ += options_.interval; // rows of the flushed interval that still come are late
}

void OutbreakDetector::closeUntil(Timestamp interval_start) {
    closeInterval(false);
    const uint64_t empty = static_cast<uint64_t>((interval_start - current_) / options_.interval) - 1;
    // Empty intervals decay every baseline and move alerting ports towards re-arming.
    uint64_t replayed = 0;
    for (; replayed < std::min(empty, kMaxEmptyIntervals) && !ports_.empty(); ++replayed) {
        current_ += options_.interval;
        closeInterval(false);
    }
    const uint64_t skipped = empty - replayed;
    if (skipped != 0 && !ports_.empty()) {
        // Every alerting port has re-armed by now; the rest of the gap only decays the levels.
        const auto n = static_cast<double>(skipped);
        const double fast = std::pow(1.0 - options_.alpha, n);
        const double slow = std::pow(1.0 - options_.long_alpha, n);
        for (auto it = ports_.begin(); it != ports_.end();) {
            PortState& ps = it->second;
            ps.mean *= fast;
            ps.deviation *= fast;
            ps.long_term *= slow;
            if (!ps.alerting && ps.mean < kForget && ps.deviation < kForget && ps.long_term < kForget) {
                it = ports_.erase(it);
            } else {
                ++it;
            }
        }
    }
    intervals_closed_ += skipped;
    current_ = interval_start;
}

void OutbreakDetector::closeInterval(bool partial) {
    const uint64_t t = intervals_closed_++;
    const bool armed = t >= options_.warmup_intervals;
    // Warm-up: the plain average of the intervals so far (a port absent from them counted 0).
    const double alpha = std::max(options_.alpha, 1.0 / static_cast<double>(t + 1));
    const double long_alpha = std::max(options_.long_alpha, 1.0 / static_cast<double>(t + 1));
    pending_.clear();
    for (auto it = ports_.begin(); it != ports_.end();) {
        PortState& s = it->second;
        const auto x = static_cast<double>(s.sources);
        const double scale = scaleOf(s);
        if (s.alerting) {
            // Baseline frozen; watch for the return to normal or a lasting new level.
            const double level_before = s.level;
            s.level += kLevelAlpha * (x - level_before);
            s.level_dev += kLevelAlpha * (std::abs(x - level_before) - s.level_dev);
            ++s.alert_intervals;
            // Quiet: near both the recent baseline and the long-term level (a growth alert's
            // recent baseline may have followed the ramp up).
            const double long_near =
                std::max(s.long_term, 1.0) + options_.clear_k * std::max(std::sqrt(s.long_term), options_.min_scale);
            const bool quiet = x <= s.mean + options_.clear_k * scale && x <= long_near;
            s.quiet_run = quiet ? s.quiet_run + 1 : 0;
            if (s.quiet_run >= options_.rearm_intervals) {
                s.alerting = false;
            } else if (s.alert_intervals >= options_.adopt_intervals) {
                s.mean = s.level;
                s.deviation = s.level_dev;
                s.long_term = s.level;
                s.alerting = false;
            }
        } else {
            // Jump: well above the recent baseline. Growth: a multiple of the long-term level,
            // which a ramp too slow for the jump rule (the recent baseline follows it) still meets.
            const double jump_threshold = std::max(options_.min_sources, s.mean + options_.threshold_k * scale);
            const double long_root = std::sqrt(s.long_term) + options_.threshold_k / 2;
            const double growth_threshold = std::max(
                {options_.min_sources, options_.growth_ratio * std::max(s.long_term, 1.0), long_root * long_root});
            const bool jump = x >= jump_threshold && x / std::max(s.mean, 1.0) >= options_.min_ratio;
            const bool growth = x >= growth_threshold;
            if (armed && (jump || growth)) {
                pending_.push_back({it->first, s.sources, s.packets, s.mean, scale, s.long_term,
                                    jump ? jump_threshold : growth_threshold, jump, s.mean <= 0.0});
                s.alerting = true;
                s.alert_intervals = 0;
                s.quiet_run = 0;
                s.level = x;
                s.level_dev = 0;
            } else {
                // Huber-style clip once a baseline exists, so a spike below the threshold (or a
                // ramp's first steps) moves the baseline by at most clip_k scales.
                const double update = armed ? std::min(x, s.mean + options_.clip_k * scale) : x;
                s.deviation = t == 0 ? 0.0 : s.deviation + alpha * (std::abs(update - s.mean) - s.deviation);
                s.mean += alpha * (update - s.mean);
                // The long-term level is clipped at 1.5 times itself (or its Poisson noise when
                // small), not by the deviation a ramp inflates: it at most doubles in ~280 intervals.
                const double long_clip =
                    std::max(kLongTermClipRatio * s.long_term, s.long_term + options_.clip_k * std::sqrt(s.long_term));
                const double long_update = armed ? std::min(x, std::max(long_clip, options_.min_scale)) : x;
                s.long_term += long_alpha * (long_update - s.long_term);
            }
        }
        s.sources = 0;
        s.packets = 0;
        if (!s.alerting && s.mean < kForget && s.deviation < kForget && s.long_term < kForget) {
            it = ports_.erase(it);
        } else {
            ++it;
        }
    }
    std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) { return a.key < b.key; });
    for (const Pending& p : pending_) {
        emit(p, partial);
    }
}

void OutbreakDetector::makeRoom() {
    // Drop the eighth of the records with the least activity; alerting ports go last.
    std::vector<std::pair<double, uint32_t>> order;
    order.reserve(ports_.size());
    for (const auto& [k, s] : ports_) {
        const double score =
            s.alerting ? std::numeric_limits<double>::infinity() : s.mean + static_cast<double>(s.sources);
        order.emplace_back(score, k);
    }
    const size_t drop = std::max<size_t>(1, order.size() / 8);
    std::nth_element(order.begin(), order.begin() + static_cast<ptrdiff_t>(drop - 1), order.end());
    for (size_t i = 0; i < drop; ++i) {
        ports_.erase(order[i].second);
    }
    evicted_ += drop;
}

void OutbreakDetector::emit(const Pending& p, bool partial) {
    const auto protocol = static_cast<uint8_t>(p.key >> 16);
    const auto port = static_cast<uint16_t>(p.key & 0xffffU);
    const std::string proto = protocolName(protocol);
    const auto x = static_cast<double>(p.sources);
    const double ratio = x / std::max(p.jump ? p.mean : p.long_term, 1.0);
    const Timestamp end = partial ? std::min(current_ + options_.interval, last_minute_ + kMicrosPerMinute)
                                  : current_ + options_.interval;

    auto details = nlohmann::ordered_json::object();
    details["proto"] = proto;
    details["port"] = port;
    details["interval_start"] = formatRfc3339(current_);
    details["interval_end"] = formatRfc3339(end);
    details["interval_s"] = options_.interval / kMicrosPerSecond;
    details["source_minutes"] = p.sources;
    details["packets"] = p.packets;
    details["rule"] = p.jump ? "jump" : "growth";
    details["baseline_mean"] = rounded(p.mean);
    details["baseline_scale"] = rounded(p.scale);
    details["long_term_mean"] = rounded(p.long_term);
    details["threshold"] = rounded(p.threshold);
    details["ratio"] = rounded(ratio);
    details["new_port"] = p.new_port;
    details["darknet_v4_size"] = static_cast<uint64_t>(options_.darknet_v4_size);
    if (options_.darknet_v4_size > 0) {
        details["min_detectable_pps"] = rounded(minDetectableRate());
    } else {
        details["min_detectable_pps"] = nullptr;
    }
    if (partial) {
        details["partial"] = true;
    }

    Event event;
    event.type = "alert";
    event.ts = end;
    event.sensor = options_.sensor;
    event.reserveFields(4);
    event.add("kind", "darknet.outbreak");
    event.add("severity", ratio >= options_.high_ratio ? "high" : "medium");
    event.add("subject", proto + "/" + std::to_string(port));
    event.add("details", std::move(details));
    sink_.publish(event);
    ++alerts_;
}

} // namespace kansoku::darknet

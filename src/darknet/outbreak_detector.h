#pragma once

/// Outbreak early warning (`alert` events, kind `darknet.outbreak`): a port whose number of
/// scanning sources jumps well above its own baseline, or a port nobody probed that suddenly draws
/// many sources, is the first sign of a new campaign (a worm or botnet adding an exploit).
///
/// Input: the `darknet.port_stats` rows of each finished minute (proto, port, packets, distinct
/// sources), in minute order. Rows are summed into aligned intervals of `interval` (default
/// 10 minutes). The value watched per port is **source-minutes**: the sum over the interval's
/// minutes of each minute's distinct sources, so a source active in k minutes counts k times
/// (with a 1-minute interval it is exactly the distinct sources). A /24 sees few sources per
/// minute; summing 10 minutes makes the relative Poisson noise ~3x smaller while an alert still
/// comes at most one interval after a campaign reaches the darknet.
///
/// Method: a robust EWMA control chart per (proto, port), after Lucas & Saccucci, "Exponentially
/// Weighted Moving Average Control Schemes", Technometrics 32(1), 1990, with Huber-style clipping
/// of the updates (Huber, "Robust Estimation of a Location Parameter", Ann. Math. Stat. 35(1),
/// 1964) so that spikes do not drag the baseline up:
///   - baseline mean m and mean absolute deviation d, both EWMAs with weight `alpha` (during
///     warm-up the weight is max(alpha, 1/(t+1)): the plain average of the first t+1 intervals);
///   - scale s = max(1.2533 d, sqrt(m) + k/4, min_scale): 1.2533 d estimates a standard deviation
///     (sqrt(pi/2) for normal noise); sqrt(m) + k/4 is a Poisson floor, so a very steady port does
///     not become hair-triggered: with it m + k s >= (sqrt(m) + k/2)^2, the k-sigma bound of a
///     Poisson count on Anscombe's square-root scale (Anscombe, Biometrika 35, 1948), which
///     allows for the long upper tail of small counts;
///   - an interval with x source-minutes alerts, after the warm-up, on a **jump**
///         x >= max(min_sources, m + k s)  and  x / max(m, 1) >= min_ratio,
///     or on **growth**
///         x >= max(min_sources, growth_ratio * max(L, 1), (sqrt(L) + k/2)^2),
///     where L is a long-term level (EWMA with weight `long_alpha`, half-life about a day, its
///     updates clipped at max(1.5 L, L + clip_k sqrt(L)), so it at most doubles in ~280
///     intervals). The recent baseline follows a slow ramp (10x over 15 hours) closely enough
///     that the jump rule never fires; the long-term level does not. On synthetic steady Poisson
///     background with 10-30% extra noise, or a +-80% daily cycle, the defaults gave at most
///     about one alert per million port-intervals (2 million port-intervals per setting);
///   - a port absent from an interval counts 0 for it, so a never-seen port has m = L = 0 and
///     alerts once x >= max(min_sources, (k/2)^2) (20 source-minutes with the defaults);
///   - otherwise m and d are updated with min(x, m + clip_k s);
///   - hysteresis: an alerting port's levels are frozen and it cannot alert again until it has
///     spent `rearm_intervals` consecutive intervals at or below both m + clear_k s and
///     max(L, 1) + clear_k max(sqrt(L), min_scale). A campaign that stays up for
///     `adopt_intervals` is the port's new normal: its recent level (an EWMA kept while
///     alerting) becomes m and L and the port is re-armed without a new alert.
///
/// Minimum detectable scan rate: a scanner choosing IPv4 targets uniformly at random at r packets
/// per second hits a darknet of N addresses r N / 2^32 times per second, so over an interval of T
/// seconds it is expected at least once only if r >= 2^32 / (N T) (a /24 with T = 600 s: about
/// 27,962 packets/s). Every alert carries N and this rate, so a reader knows which scanners this
/// darknet cannot see one by one (after Moore, Shannon, Voelker, Savage, "Network Telescopes",
/// CAIDA TR-2004-04).
///
/// Memory: one record per tracked port, at most `max_ports` (default 2 * 65536, every TCP and UDP
/// port, about 100 bytes each: ~13 MiB at the very worst). A port whose levels decay to nothing
/// (m, d and L below 0.05 source-minutes) is forgotten. When the cap is reached, the eighth of
/// the records with the least activity (m + this interval's count; alerting ports last) is
/// dropped and counted in evicted(); a dropped port that comes back is a never-seen port again,
/// which is close to the truth for a quiet one.
///
/// Time is packet time (the rows' minutes and advance()); no wall clock, so a capture always yields
/// the same alerts.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/event_sink.h"
#include "common/time.h"
#include "darknet/port_stats_tracker.h"

namespace kansoku::darknet {

struct OutbreakDetectorOptions {
    std::string sensor = "local";
    /// Interval length; a whole number of minutes (rounded down, at least one).
    Timestamp interval = 10 * kMicrosPerMinute;
    /// IPv4 addresses in the darknet (N), for the minimum detectable scan rate; 0 if none.
    double darknet_v4_size = 256;
    /// EWMA weight of a new interval (0.05: ~20-interval memory, half-life ~13.5 intervals).
    double alpha = 0.05;
    /// The first intervals only build baselines; no alert before this many have closed (2 hours).
    uint32_t warmup_intervals = 12;
    /// k: how many scales above the baseline mean an interval must be to alert.
    double threshold_k = 6.0;
    /// Never alert below this many source-minutes in an interval.
    double min_sources = 20.0;
    /// Never alert below this ratio of observed to baseline mean (floored at 1).
    double min_ratio = 1.5;
    /// EWMA weight of the long-term level (0.005: half-life ~138 intervals, about a day).
    double long_alpha = 0.005;
    /// Growth rule: alert when an interval reaches this multiple of the long-term level.
    double growth_ratio = 4.0;
    /// Severity "high" from this ratio on, "medium" below.
    double high_ratio = 5.0;
    /// Baseline updates are clipped at m + clip_k * s.
    double clip_k = 3.0;
    /// An alerting port is quiet again at or below m + clear_k * s ...
    double clear_k = 3.0;
    /// ... for this many consecutive intervals, then it is re-armed.
    uint32_t rearm_intervals = 6;
    /// An alert lasting this many intervals becomes the port's baseline (1 day at the default).
    uint32_t adopt_intervals = 144;
    /// Floor of the scale s (source-minutes).
    double min_scale = 1.0;
    /// Cap on tracked (proto, port) records.
    size_t max_ports = 2 * 65536;
};

class OutbreakDetector final : public PortStatsObserver {
public:
    OutbreakDetector(OutbreakDetectorOptions options, EventSink& sink);

    /// One `darknet.port_stats` row of a finished minute. Rows must come in minute order; a row of
    /// an interval already closed is counted in lateRows() and ignored.
    void addMinute(Timestamp minute, uint8_t protocol, uint16_t port, uint64_t packets, uint64_t sources);
    void onPortMinute(Timestamp minute, uint8_t protocol, uint16_t port, uint64_t packets, uint64_t sources) override {
        addMinute(minute, protocol, port, packets, sources);
    }
    /// Closes every interval that ended at or before `now` (packet time), evaluating and alerting.
    /// Call after the port statistics for `now` have been delivered.
    void advance(Timestamp now);
    /// End of input: evaluates the open interval as it is (alerts say `"partial": true`).
    void flush();

    /// The minimum scan rate (packets/s) a uniform random scanner needs to be expected to hit the
    /// darknet at least once in one interval: 2^32 / (N T). 0 when N is 0.
    double minDetectableRate() const;

    size_t trackedPorts() const { return ports_.size(); }
    size_t bytes() const;
    uint64_t alerts() const { return alerts_; }
    uint64_t evicted() const { return evicted_; }
    uint64_t lateRows() const { return late_rows_; }
    uint64_t intervalsClosed() const { return intervals_closed_; }
    const OutbreakDetectorOptions& options() const { return options_; }

private:
    struct PortState {
        double mean = 0;              ///< baseline mean of source-minutes per interval
        double deviation = 0;         ///< EWMA of |x - mean|
        double long_term = 0;         ///< long-term level (weight long_alpha)
        double level = 0;             ///< while alerting: EWMA of x (adopted after adopt_intervals)
        double level_dev = 0;         ///< while alerting: EWMA of |x - level|
        uint64_t sources = 0;         ///< source-minutes in the open interval
        uint64_t packets = 0;         ///< packets in the open interval
        uint32_t alert_intervals = 0; ///< intervals since the alert (0: not alerting)
        uint32_t quiet_run = 0;       ///< consecutive quiet intervals while alerting
        bool alerting = false;
    };
    struct Pending {
        uint32_t key;
        uint64_t sources;
        uint64_t packets;
        double mean;
        double scale;
        double long_term;
        double threshold;
        bool jump; ///< which rule fired: jump (true) or growth
        bool new_port;
    };
    static uint32_t key(uint8_t protocol, uint16_t port) { return (uint32_t{protocol} << 16) | port; }

    double scaleOf(const PortState& s) const;
    void closeInterval(bool partial);
    void closeUntil(Timestamp interval_start);
    void makeRoom();
    void emit(const Pending& p, bool partial);

    OutbreakDetectorOptions options_;
    EventSink& sink_;
    std::unordered_map<uint32_t, PortState> ports_;
    std::vector<Pending> pending_; ///< alerts of the interval being closed, reused
    Timestamp current_ = -1;       ///< start of the open interval
    Timestamp last_minute_ = -1;   ///< latest row's minute (end of a partial interval)
    uint64_t intervals_closed_ = 0;
    uint64_t alerts_ = 0;
    uint64_t evicted_ = 0;
    uint64_t late_rows_ = 0;
};

} // namespace kansoku::darknet

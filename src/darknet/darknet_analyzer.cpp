#include "darknet/darknet_analyzer.h"

#include <algorithm>

#include "darknet/darknet_shard.h"
#include "darknet/shard_worker.h"
#include "darknet/spoof_filter.h"

namespace kansoku::darknet {
namespace {

/// Idle records are swept at least this often (packet time).
constexpr Timestamp kMaxHousekeepingInterval = 60 * kMicrosPerSecond;

// How the state memory cap is shared between the tables.
constexpr double kScanShare = 0.60;
constexpr double kBackscatterShare = 0.15;
constexpr double kPortStatsShare = 0.25;

void addCounters(capture::DecodeCounters& into, const capture::DecodeCounters& from) {
    for (size_t i = 0; i < capture::kDecodeAnomalyCount; ++i) {
        into.by_reason[i] += from.by_reason[i];
    }
}

/// Records the workers close between housekeeping steps (evicted when the memory budget is full)
/// wait as events until the analyzer publishes them. It does so at least every this many packets
/// read (a count, so where it happens does not depend on thread timing) and, live with fanout, at
/// least every kLivePublishInterval of wall clock: a capture where every probe comes from a new
/// source closes one record per packet, and a whole housekeeping interval of them held as events
/// would take more memory than the records themselves.
constexpr uint64_t kPublishClosedEveryPackets = 65536;
constexpr Timestamp kLivePublishInterval = kMicrosPerSecond;

/// Salt of the worker choice, so that it is independent of the record tables' own hash bits.
constexpr uint64_t kShardSalt = 0x5851f42d4c957f2dULL;

} // namespace

Result<DarknetAnalyzerOptions> DarknetAnalyzerOptions::fromConfig(const DarknetConfig& d, std::string sensor,
                                                                  const std::vector<std::string>& prefixes) {
    DarknetAnalyzerOptions o;
    o.sensor = std::move(sensor);
    const auto& texts = prefixes.empty() ? d.prefixes : prefixes;
    if (texts.empty()) {
        return fail("no darknet prefix configured (use --darknet PREFIX or [darknet] prefixes)");
    }
    for (const auto& text : texts) {
        auto prefix = Prefix::parse(text);
        if (!prefix) {
            return fail("darknet {}", prefix.error().message);
        }
        o.darknet.add(*prefix);
    }
    const double budget = static_cast<double>(d.max_memory.bytes());

    o.scan.sensor = o.sensor;
    o.scan.idle_timeout = d.scan.idle_timeout.micros();
    o.scan.min_packets = static_cast<uint64_t>(d.scan.min_packets);
    o.scan.many_ports = static_cast<uint32_t>(d.scan.many_ports);
    o.scan.many_hosts = static_cast<uint64_t>(d.scan.many_hosts);
    o.scan.top_ports = static_cast<uint32_t>(d.scan.top_ports);
    o.scan.max_bytes = static_cast<size_t>(budget * kScanShare);
    o.scan.darknet_v4_size = static_cast<uint64_t>(std::min(o.darknet.v4Size(), 4294967296.0));

    o.backscatter.sensor = o.sensor;
    o.backscatter.min_packets = static_cast<uint64_t>(d.backscatter.min_packets);
    o.backscatter.min_duration = d.backscatter.min_duration.micros();
    o.backscatter.min_ppm = static_cast<uint64_t>(d.backscatter.min_ppm);
    o.backscatter.idle_timeout = d.backscatter.idle_timeout.micros();
    o.backscatter.top_ports = o.scan.top_ports;
    o.backscatter.darknet_v4_size = o.darknet.v4Size();
    o.backscatter.max_bytes = static_cast<size_t>(budget * kBackscatterShare);

    o.port_stats.sensor = o.sensor;
    o.port_stats.max_bytes = static_cast<size_t>(budget * kPortStatsShare);

    o.outbreak.sensor = o.sensor;
    o.outbreak.darknet_v4_size = std::min(o.darknet.v4Size(), 4294967296.0);
    o.outbreak.interval = d.outbreak.interval.micros();
    o.outbreak.warmup_intervals = static_cast<uint32_t>(d.outbreak.warmup_intervals);
    o.outbreak.min_sources = static_cast<double>(d.outbreak.min_sources);

    o.campaigns.sensor = o.sensor;
    o.campaigns.window = d.campaign.window.micros();
    o.campaigns.min_sources = static_cast<uint32_t>(d.campaign.min_sources);

    o.stats_interval = d.stats_interval.micros();
    o.workers = d.workers > 0 ? static_cast<size_t>(d.workers) : 1;
    o.automatic_workers = d.workers == 0;
    return o;
}

DarknetAnalyzer::DarknetAnalyzer(DarknetAnalyzerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink), outbreak_(options_.outbreak, sink),
      port_stats_(options_.port_stats, sink, &outbreak_), campaigns_(options_.campaigns, sink) {
    // Housekeeping (idle sweeps, which throttle themselves, minute rollover, stats) runs at least
    // once a minute of packet time and as often as stats are due.
    housekeeping_interval_ = std::clamp<Timestamp>(options_.stats_interval, kMicrosPerSecond, kMaxHousekeepingInterval);
    const size_t shards = std::max<size_t>(1, options_.workers);
    for (size_t i = 0; i < shards; ++i) {
        shards_.push_back(std::make_unique<DarknetShard>(options_, shards, sink_));
    }
    if (shards > 1) {
        for (const auto& shard : shards_) {
            workers_.push_back(std::make_unique<ShardWorker>(*shard));
        }
    }
}

DarknetAnalyzer::~DarknetAnalyzer() = default;

void DarknetAnalyzer::beginSource(capture::PacketSource& source) {
    processBatch();
    kernel_drops_done_ += droppedKernel();
    sources_ = {&source};
    if (workers_.empty()) {
        shards_.front()->beginSource(source.linkType());
        return;
    }
    if (decoder_) {
        addCounters(decode_done_, decoder_->counters());
    }
    decoder_.emplace(source.linkType());
}

void DarknetAnalyzer::beginFanout(const std::vector<capture::PacketSource*>& sources) {
    processBatch();
    kernel_drops_done_ += droppedKernel();
    sources_ = sources;
    fanout_ = true;
    workers_.clear();
    for (size_t i = 0; i < shards_.size(); ++i) {
        shards_[i]->beginSource(sources[i % sources.size()]->linkType());
        workers_.push_back(std::make_unique<ShardWorker>(*shards_[i], i < sources.size() ? sources[i] : nullptr));
    }
    worker_at_interval_start_.assign(shards_.size(), {0, 0});
}

std::optional<Error> DarknetAnalyzer::fanoutError() {
    for (const auto& worker : workers_) {
        if (auto error = worker->feedError()) {
            return error;
        }
    }
    return std::nullopt;
}

void DarknetAnalyzer::holdFeeds() {
    if (hold_depth_++ == 0) {
        for (const auto& worker : workers_) {
            worker->hold();
        }
    }
}

void DarknetAnalyzer::releaseFeeds() {
    if (--hold_depth_ == 0) {
        for (const auto& worker : workers_) {
            worker->release();
        }
    }
}

uint64_t DarknetAnalyzer::droppedKernel() const {
    uint64_t dropped = 0;
    for (capture::PacketSource* source : sources_) {
        dropped += source->stats().dropped_kernel;
    }
    return dropped;
}

void DarknetAnalyzer::onPacket(const capture::RawPacket& raw) {
    if (packets_ == 0) {
        totals_.first_ts = raw.ts;
        if (!started_) {
            startIntervals(raw.ts);
        }
    }
    if (raw.ts > now_) {
        if (raw.ts >= next_housekeeping_) {
            processBatch(); // everything before this packet is accounted before time moves on
            now_ = raw.ts;
            housekeeping(now_);
        }
        now_ = raw.ts;
    }
    ++packets_;
    bytes_ += raw.wire_length;
    if (packets_ % kPublishClosedEveryPackets == 0) {
        processBatch();
        publishClosed();
    }
    if (workers_.empty()) {
        shards_.front()->add(raw);
        return;
    }
    packet_.ts = raw.ts;
    packet_.wire_length = raw.wire_length;
    const capture::DecodeAnomaly anomaly = decoder_->decode(raw.data, raw.captured_length, packet_);
    ShardWorker& worker = *workers_[shardOf(packet_)];
    PacketBatch& batch = worker.filling();
    batch.packets[batch.size] = packet_;
    batch.anomalies[batch.size] = anomaly;
    if (++batch.size == batch.packets.size()) {
        worker.submit();
    }
}

void DarknetAnalyzer::onBatchEnd() {
    if (workers_.empty()) {
        shards_.front()->flush();
        return;
    }
    for (const auto& worker : workers_) {
        worker->submit(); // without waiting: the workers carry on while the next packets are read
    }
}

size_t DarknetAnalyzer::shardOf(const capture::DecodedPacket& p) const {
    // A record belongs to the packet's source, except a victim's, which an ICMP error names in
    // the packet it quotes (PacketClassifier).
    const IpAddress& owner = p.has_quote ? p.quote.dst : p.src;
    const uint64_t h = mixHash(hashAddress(owner) ^ kShardSalt) >> 32;
    return static_cast<size_t>((h * workers_.size()) >> 32);
}

void DarknetAnalyzer::processBatch() {
    if (workers_.empty()) {
        shards_.front()->flush();
        return;
    }
    for (const auto& worker : workers_) {
        worker->submit();
    }
    for (const auto& worker : workers_) {
        worker->wait();
    }
}

void DarknetAnalyzer::onEveryShard(const std::function<void(DarknetShard&)>& step) {
    if (workers_.empty()) {
        step(*shards_.front());
        return;
    }
    for (const auto& worker : workers_) {
        worker->run(step);
    }
    for (const auto& worker : workers_) {
        worker->wait();
    }
}

void DarknetAnalyzer::publishClosed() {
    if (shards_.size() == 1) {
        return; // one worker's trackers publish as they close
    }
    std::vector<const ScanTracker::Closed*> scans;
    std::vector<const BackscatterTracker::Closed*> victims;
    for (const auto& shard : shards_) {
        scans.push_back(&shard->closedScans());
        victims.push_back(&shard->closedVictims());
    }
    forEachMerged(scans, [&](size_t shard, const ScanTracker::Closed::Entry& e) {
        shards_[shard]->scans().emit(e.key, e.record, e.reason);
    });
    forEachMerged(victims, [&](size_t shard, const BackscatterTracker::Closed::Entry& e) {
        shards_[shard]->backscatter().emit(e.key, e.record, e.reason);
    });
    onEveryShard([](DarknetShard& shard) { shard.clearClosed(); });
}

void DarknetAnalyzer::mergePortMinutes() {
    struct Part {
        Timestamp minute;
        uint32_t port_key;
        const PortMinuteCounts::Row* row;
    };
    std::vector<Part> parts;
    for (const auto& shard : shards_) {
        if (!shard->hasUnmergedPortMinutes()) {
            continue; // merged at the last step, and no packet since
        }
        shard->portMinutes().forEachRow([&](Timestamp minute, uint32_t port_key, const PortMinuteCounts::Row& row) {
            parts.push_back({minute, port_key, &row});
        });
    }
    std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.minute < b.minute; });
    for (const Part& part : parts) {
        port_stats_.merge(part.minute, part.port_key, part.row->packets, part.row->sources);
    }
}

void DarknetAnalyzer::tick(Timestamp now) {
    if (fanout_ && started_ && std::max(now, now_) < next_housekeeping_) {
        if (now >= last_live_publish_ + kLivePublishInterval) {
            last_live_publish_ = now;
            holdFeeds();
            processBatch();
            publishClosed();
            releaseFeeds();
        }
        return; // the workers read on; nothing else to do yet
    }
    if (fanout_) {
        holdFeeds();
    }
    processBatch();
    if (!started_) {
        // A live sensor that sees nothing still reports: its stats intervals start with the clock.
        startIntervals(now);
        now_ = now;
    } else {
        now_ = std::max(now, now_);
        if (now_ >= next_housekeeping_) {
            housekeeping(now_);
        }
    }
    if (fanout_) {
        releaseFeeds();
    }
}

void DarknetAnalyzer::startIntervals(Timestamp now) {
    started_ = true;
    interval_start_ = now;
    campaign_window_start_ = now - now % options_.campaigns.window;
    next_housekeeping_ = std::min(now + housekeeping_interval_, now + options_.stats_interval);
}

void DarknetAnalyzer::closeCampaignWindow(Timestamp end) {
    const Timestamp start = campaign_window_start_;
    for (const auto& shard : shards_) {
        shard->scans().forEachOpen([&](const ScanKey& key, const ScanRecord& r) {
            if (r.last_seen < start) {
                return; // open, but silent in this window
            }
            const auto top = r.top_ports.top(1);
            const CampaignKey campaign{key.protocol, top.empty() ? uint16_t{0} : top.front().first,
                                       ScanTracker::majorityTool(r)};
            campaigns_.observe(campaign, key.src, r.first_seen >= start, r.packets);
        });
    }
    campaigns_.endWindow(start, end);
    campaign_window_start_ = end;
}

void DarknetAnalyzer::housekeeping(Timestamp now) {
    // What the workers closed over budget and the minutes they moved past come first, as one
    // analyzer would have emitted them while accounting the packets.
    publishClosed();
    mergePortMinutes();
    // Campaign windows are aligned to the window length; a window closes before records that
    // were active in it are expired below.
    while (now >= campaign_window_start_ + options_.campaigns.window) {
        closeCampaignWindow(campaign_window_start_ + options_.campaigns.window);
    }
    // A sweep touches every record (a cache miss each), so each table is swept at most every
    // quarter of its idle timeout: a record closes 1 to 1.25 idle timeouts after its last packet.
    const bool sweep_scans = now >= next_scan_sweep_;
    const bool sweep_victims = now >= next_victim_sweep_;
    if (sweep_scans || sweep_victims) {
        onEveryShard([&](DarknetShard& shard) { shard.sweep(now, sweep_scans, sweep_victims); });
        publishClosed();
    }
    if (sweep_scans) {
        next_scan_sweep_ = now + std::max<Timestamp>(options_.scan.idle_timeout / 4, kMicrosPerSecond);
    }
    if (sweep_victims) {
        next_victim_sweep_ = now + std::max<Timestamp>(options_.backscatter.idle_timeout / 4, kMicrosPerSecond);
    }
    port_stats_.advance(now);
    outbreak_.advance(now); // after port_stats_, so an interval's last minute is in
    for (const auto& shard : shards_) {
        shard->portMinutesMerged(port_stats_.currentMinute());
    }
    if (now - interval_start_ >= options_.stats_interval) {
        emitStats(now);
    }
    next_housekeeping_ = std::min(now + housekeeping_interval_, interval_start_ + options_.stats_interval);
}

uint64_t DarknetAnalyzer::evictedState() const {
    uint64_t evicted = port_stats_.evicted();
    for (const auto& shard : shards_) {
        evicted += shard->scans().evicted() + shard->backscatter().evicted();
    }
    return evicted;
}

size_t DarknetAnalyzer::stateBytes() const {
    // The workers' port counts are not counted: one minute's rows, a copy of port_stats_'s.
    size_t bytes = port_stats_.bytes() + outbreak_.bytes();
    for (const auto& shard : shards_) {
        bytes += shard->scans().bytes() + shard->backscatter().bytes();
    }
    return bytes;
}

const DarknetTotals& DarknetAnalyzer::totals() {
    if (fanout_) {
        holdFeeds();
    }
    processBatch();
    totals_.packets = packets_;
    totals_.bytes = bytes_;
    totals_.decode = decode_done_;
    if (decoder_) {
        addCounters(totals_.decode, decoder_->counters());
    }
    totals_.dropped_kernel = kernel_drops_done_ + droppedKernel();
    totals_.by_class = {};
    totals_.untrusted = 0;
    totals_.untrusted_by_reason = {};
    totals_.scans = 0;
    totals_.attacks = 0;
    for (const auto& shard : shards_) {
        const ShardCounts& c = shard->counts();
        totals_.packets += c.fed_packets;
        totals_.bytes += c.fed_bytes;
        addCounters(totals_.decode, shard->decodeCounters());
        for (size_t i = 0; i < kPacketClassCount; ++i) {
            totals_.by_class[i] += c.by_class[i];
        }
        totals_.untrusted += c.untrusted;
        for (size_t i = 0; i < spoof_flag::kCount; ++i) {
            totals_.untrusted_by_reason[i] += c.untrusted_by_reason[i];
        }
        totals_.scans += shard->scans().emitted();
        totals_.attacks += shard->backscatter().attacks();
    }
    totals_.port_stats_rows = port_stats_.rowsEmitted();
    totals_.campaigns = campaigns_.emitted();
    totals_.alerts = outbreak_.alerts();
    totals_.evicted_state = evictedState();
    totals_.last_ts = now_;
    if (fanout_) {
        releaseFeeds();
    }
    return totals_;
}

void DarknetAnalyzer::emitStats(Timestamp now) {
    const DarknetTotals before = at_interval_start_;
    const DarknetTotals& t = totals();

    Event event;
    event.type = "capture.stats";
    event.ts = now;
    event.sensor = options_.sensor;
    event.reserveFields(16);
    event.add("interval", static_cast<double>(now - interval_start_) / static_cast<double>(kMicrosPerSecond));
    event.add("start", formatRfc3339(interval_start_));
    event.add("source", sources_.empty() ? "" : sources_.front()->name());
    event.add("received", t.packets - before.packets);
    event.add("dropped_kernel", t.dropped_kernel - before.dropped_kernel);
    event.add("dropped_decode", t.decode.errors() - before.decode.errors());
    event.add("evicted_state", t.evicted_state - before.evicted_state);
    auto classes = nlohmann::ordered_json::object();
    for (size_t i = 0; i < kPacketClassCount; ++i) {
        classes[std::string(packetClassName(static_cast<PacketClass>(i)))] = t.by_class[i] - before.by_class[i];
    }
    event.add("classes", std::move(classes));
    auto anomalies = nlohmann::ordered_json::object();
    for (size_t i = 1; i < capture::kDecodeAnomalyCount; ++i) {
        const uint64_t n = t.decode.by_reason[i] - before.decode.by_reason[i];
        if (n != 0) {
            anomalies[std::string(capture::anomalyName(static_cast<capture::DecodeAnomaly>(i)))] = n;
        }
    }
    event.add("decode_anomalies", std::move(anomalies));
    event.add("untrusted_probes", t.untrusted - before.untrusted);
    auto reasons = nlohmann::ordered_json::object();
    for (int bit = 0; bit < spoof_flag::kCount; ++bit) {
        const auto b = static_cast<size_t>(bit);
        if (t.untrusted_by_reason[b] != before.untrusted_by_reason[b]) {
            reasons[std::string(spoofFlagName(bit))] = t.untrusted_by_reason[b] - before.untrusted_by_reason[b];
        }
    }
    event.add("untrusted_reasons", std::move(reasons));
    size_t open_scans = 0;
    size_t open_victims = 0;
    for (const auto& shard : shards_) {
        open_scans += shard->scans().openRecords();
        open_victims += shard->backscatter().openVictims();
    }
    event.add("open_scans", open_scans);
    event.add("open_victims", open_victims);
    event.add("state_bytes", stateBytes());
    if (fanout_) {
        // Each worker's share, so a worker that falls behind (its ring overflowing) shows.
        auto workers = nlohmann::ordered_json::array();
        for (size_t i = 0; i < shards_.size(); ++i) {
            const uint64_t received = shards_[i]->counts().fed_packets;
            const uint64_t dropped = i < sources_.size() ? sources_[i]->stats().dropped_kernel : 0;
            auto& [received_before, dropped_before] = worker_at_interval_start_[i];
            workers.push_back({{"received", received - received_before}, {"dropped_kernel", dropped - dropped_before}});
            received_before = received;
            dropped_before = dropped;
        }
        event.add("workers", std::move(workers));
    }
    sink_.publish(event);

    at_interval_start_ = t;
    interval_start_ = now;
}

void DarknetAnalyzer::finish() {
    if (fanout_) {
        holdFeeds();
        for (const auto& worker : workers_) {
            worker->detachFeed(); // what was read is accounted; nothing more is
        }
        releaseFeeds();
    }
    processBatch();
    publishClosed();
    mergePortMinutes();
    if (started_) {
        closeCampaignWindow(std::max(now_, campaign_window_start_ + 1)); // the last, partial window
    }
    onEveryShard([](DarknetShard& shard) { shard.closeAll(); });
    publishClosed();
    port_stats_.flush();
    outbreak_.flush();
    for (const auto& shard : shards_) {
        shard->portMinutesMerged(port_stats_.currentMinute());
    }
    if (started_) {
        emitStats(now_);
    }
}

} // namespace kansoku::darknet

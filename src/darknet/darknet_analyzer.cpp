#include "darknet/darknet_analyzer.h"

#include <algorithm>

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
    return o;
}

DarknetAnalyzer::DarknetAnalyzer(DarknetAnalyzerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink), classifier_(options_.darknet), scans_(options_.scan, sink),
      backscatter_(options_.backscatter, sink), outbreak_(options_.outbreak, sink),
      port_stats_(options_.port_stats, sink, &outbreak_), campaigns_(options_.campaigns, sink) {
    // Housekeeping (idle sweeps, which throttle themselves, minute rollover, stats) runs at least
    // once a minute of packet time and as often as stats are due.
    housekeeping_interval_ = std::clamp<Timestamp>(options_.stats_interval, kMicrosPerSecond, kMaxHousekeepingInterval);
}

void DarknetAnalyzer::beginSource(capture::PacketSource& source) {
    processBatch();
    if (decoder_) {
        addCounters(decode_done_, decoder_->counters());
    }
    if (source_ != nullptr) {
        kernel_drops_done_ += source_->stats().dropped_kernel;
    }
    decoder_.emplace(source.linkType());
    source_ = &source;
}

void DarknetAnalyzer::onPacket(const capture::RawPacket& raw) {
    if (totals_.packets == 0) {
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
    ++totals_.packets;
    totals_.bytes += raw.wire_length;
    capture::DecodedPacket& p = batch_[batch_size_];
    p.ts = raw.ts;
    p.wire_length = raw.wire_length;
    anomalies_[batch_size_] = decoder_->decode(raw.data, raw.captured_length, p);
    if (++batch_size_ == kBatch) {
        processBatch();
    }
}

void DarknetAnalyzer::processBatch() {
    if (batch_size_ == 0) {
        return;
    }
    // The tables are larger than the caches: classify the batch and prefetch each record in two
    // steps (tags, then the slot they point to) before touching any, so the loads overlap.
    std::array<Classification, kBatch> classes;
    std::array<uint64_t, kBatch> hashes;
    for (size_t i = 0; i < batch_size_; ++i) {
        Classification& c = classes[i];
        if (anomalies_[i] == capture::DecodeAnomaly::NotIp) {
            c.packet_class = PacketClass::NotIp;
        } else {
            classifier_.classify(batch_[i], c);
        }
        ++totals_.by_class[static_cast<size_t>(c.packet_class)];
        if (c.spoof_flags != 0) {
            countUntrusted(c.spoof_flags);
            continue; // never a record of its claimed source
        }
        switch (c.packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
        case PacketClass::IcmpEcho:
            hashes[i] = scans_.hashOf(batch_[i]);
            scans_.prefetchTags(hashes[i]);
            break;
        case PacketClass::Backscatter:
            hashes[i] = backscatter_.hashOf(c);
            backscatter_.prefetchTags(hashes[i]);
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < batch_size_; ++i) {
        if (classes[i].spoof_flags != 0) {
            continue;
        }
        switch (classes[i].packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
        case PacketClass::IcmpEcho:
            scans_.prefetchSlot(hashes[i]);
            break;
        case PacketClass::Backscatter:
            backscatter_.prefetchSlot(hashes[i]);
            break;
        default:
            break;
        }
    }
    scans_.reserve(batch_size_); // no rehash while the batch holds references
    backscatter_.reserve(batch_size_);
    // Locate (or create, in packet order) every record, and prefetch the destination and port sets
    // each update will touch: with many distinct destinations per source these are one more cache
    // miss per packet, as large as the record's own.
    std::array<void*, kBatch> records{}; // null: the packet updates no record
    for (size_t i = 0; i < batch_size_; ++i) {
        const capture::DecodedPacket& p = batch_[i];
        const Classification& c = classes[i];
        if (c.spoof_flags != 0) {
            continue;
        }
        switch (c.packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
        case PacketClass::IcmpEcho: {
            ScanRecord& r = scans_.locate(p, hashes[i]);
            scans_.prefetchCounters(r, p, c.dst_key);
            records[i] = &r;
            break;
        }
        case PacketClass::Backscatter: {
            VictimRecord& r = backscatter_.locate(p, c, hashes[i]);
            backscatter_.prefetchCounters(r, c);
            records[i] = &r;
            break;
        }
        default:
            break;
        }
    }
    for (size_t i = 0; i < batch_size_; ++i) {
        if (records[i] == nullptr) {
            continue;
        }
        const capture::DecodedPacket& p = batch_[i];
        const Classification& c = classes[i];
        switch (c.packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
            scans_.update(*static_cast<ScanRecord*>(records[i]), p, c.dst_key, c.tool);
            port_stats_.add(p);
            break;
        case PacketClass::IcmpEcho:
            scans_.update(*static_cast<ScanRecord*>(records[i]), p, c.dst_key, c.tool);
            break;
        case PacketClass::Backscatter:
            backscatter_.update(*static_cast<VictimRecord*>(records[i]), p, c);
            break;
        default:
            break;
        }
    }
    scans_.enforceBudget();
    backscatter_.enforceBudget();
    batch_size_ = 0;
}

void DarknetAnalyzer::tick(Timestamp now) {
    processBatch();
    if (!started_) {
        // A live sensor that sees nothing still reports: its stats intervals start with the clock.
        startIntervals(now);
        now_ = now;
        return;
    }
    if (now > now_) {
        now_ = now;
    }
    if (now_ >= next_housekeeping_) {
        housekeeping(now_);
    }
}

void DarknetAnalyzer::countUntrusted(uint8_t flags) {
    ++totals_.untrusted;
    for (int bit = 0; bit < spoof_flag::kCount; ++bit) {
        if ((flags & (1U << bit)) != 0) {
            ++totals_.untrusted_by_reason[static_cast<size_t>(bit)];
        }
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
    scans_.forEachOpen([&](const ScanKey& key, const ScanRecord& r) {
        if (r.last_seen < start) {
            return; // open, but silent in this window
        }
        const auto top = r.top_ports.top(1);
        const CampaignKey campaign{key.protocol, top.empty() ? uint16_t{0} : top.front().first,
                                   ScanTracker::majorityTool(r)};
        campaigns_.observe(campaign, key.src, r.first_seen >= start, r.packets);
    });
    campaigns_.endWindow(start, end);
    campaign_window_start_ = end;
}

void DarknetAnalyzer::housekeeping(Timestamp now) {
    // Campaign windows are aligned to the window length; a window closes before records that
    // were active in it are expired below.
    while (now >= campaign_window_start_ + options_.campaigns.window) {
        closeCampaignWindow(campaign_window_start_ + options_.campaigns.window);
    }
    // A sweep touches every record (a cache miss each), so each table is swept at most every
    // quarter of its idle timeout: a record closes 1 to 1.25 idle timeouts after its last packet.
    if (now >= next_scan_sweep_) {
        scans_.expire(now);
        next_scan_sweep_ = now + std::max<Timestamp>(options_.scan.idle_timeout / 4, kMicrosPerSecond);
    }
    if (now >= next_victim_sweep_) {
        backscatter_.expire(now);
        next_victim_sweep_ = now + std::max<Timestamp>(options_.backscatter.idle_timeout / 4, kMicrosPerSecond);
    }
    port_stats_.advance(now);
    outbreak_.advance(now); // after port_stats_, so an interval's last minute is in
    if (now - interval_start_ >= options_.stats_interval) {
        emitStats(now);
    }
    next_housekeeping_ = std::min(now + housekeeping_interval_, interval_start_ + options_.stats_interval);
}

uint64_t DarknetAnalyzer::evictedState() const {
    return scans_.evicted() + backscatter_.evicted() + port_stats_.evicted();
}

const DarknetTotals& DarknetAnalyzer::totals() {
    processBatch();
    totals_.decode = decode_done_;
    if (decoder_) {
        addCounters(totals_.decode, decoder_->counters());
    }
    totals_.dropped_kernel = kernel_drops_done_ + (source_ != nullptr ? source_->stats().dropped_kernel : 0);
    totals_.scans = scans_.emitted();
    totals_.attacks = backscatter_.attacks();
    totals_.port_stats_rows = port_stats_.rowsEmitted();
    totals_.campaigns = campaigns_.emitted();
    totals_.alerts = outbreak_.alerts();
    totals_.evicted_state = evictedState();
    totals_.last_ts = now_;
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
    event.add("source", source_ != nullptr ? source_->name() : "");
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
    event.add("open_scans", scans_.openRecords());
    event.add("open_victims", backscatter_.openVictims());
    event.add("state_bytes", scans_.bytes() + backscatter_.bytes() + port_stats_.bytes() + outbreak_.bytes());
    sink_.publish(event);

    at_interval_start_ = t;
    interval_start_ = now;
}

void DarknetAnalyzer::finish() {
    processBatch();
    if (started_) {
        closeCampaignWindow(std::max(now_, campaign_window_start_ + 1)); // the last, partial window
    }
    scans_.closeAll();
    backscatter_.closeAll();
    port_stats_.flush();
    outbreak_.flush();
    if (started_) {
        emitStats(now_);
    }
}

} // namespace kansoku::darknet

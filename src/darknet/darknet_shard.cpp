#include "darknet/darknet_shard.h"

#include <algorithm>

namespace kansoku::darknet {
namespace {

/// Tracker options with a `1/shards` share of the memory budget.
template <typename Options>
Options budgetShare(Options options, size_t shards) {
    options.max_bytes /= shards;
    return options;
}

} // namespace

DarknetShard::DarknetShard(const DarknetAnalyzerOptions& options, size_t shards, EventSink& sink)
    : classifier_(options.darknet), scans_(budgetShare(options.scan, shards), sink),
      backscatter_(budgetShare(options.backscatter, shards), sink) {
    if (shards > 1) {
        scans_.keepClosedIn(&closed_scans_);
        backscatter_.keepClosedIn(&closed_victims_);
    }
}

void DarknetShard::process(const capture::DecodedPacket* packets, const capture::DecodeAnomaly* anomalies, size_t n) {
    restartPortMinutes();
    for (size_t i = 0; i < n; i += kBatch) {
        processBatch(packets + i, anomalies + i, std::min(kBatch, n - i));
    }
}

void DarknetShard::beginSource(capture::LinkType link_type) {
    flush();
    decode_done_ = decodeCounters();
    decoder_.emplace(link_type);
}

void DarknetShard::add(const capture::RawPacket& raw) {
    capture::DecodedPacket& p = batch_[batch_size_];
    p.ts = raw.ts;
    p.wire_length = raw.wire_length;
    anomalies_[batch_size_] = decoder_->decode(raw.data, raw.captured_length, p);
    if (++batch_size_ == kBatch) {
        flush();
    }
}

void DarknetShard::flush() {
    if (batch_size_ != 0) {
        process(batch_.data(), anomalies_.data(), batch_size_);
        batch_size_ = 0;
    }
}

void DarknetShard::onPacket(const capture::RawPacket& raw) {
    ++counts_.fed_packets;
    counts_.fed_bytes += raw.wire_length;
    add(raw);
}

capture::DecodeCounters DarknetShard::decodeCounters() const {
    capture::DecodeCounters sum = decode_done_;
    if (decoder_) {
        for (size_t i = 0; i < capture::kDecodeAnomalyCount; ++i) {
            sum.by_reason[i] += decoder_->counters().by_reason[i];
        }
    }
    return sum;
}

void DarknetShard::sweep(Timestamp now, bool scans, bool victims) {
    flush();
    restartPortMinutes();
    if (scans) {
        scans_.expire(now);
    }
    if (victims) {
        backscatter_.expire(now);
    }
}

void DarknetShard::closeAll() {
    flush();
    restartPortMinutes();
    scans_.closeAll();
    backscatter_.closeAll();
}

void DarknetShard::restartPortMinutes() {
    if (port_restart_ != kNoRestart) {
        port_minutes_.restart(port_restart_);
        port_restart_ = kNoRestart;
    }
}

void DarknetShard::processBatch(const capture::DecodedPacket* batch, const capture::DecodeAnomaly* anomalies,
                                size_t batch_size) {
    // The tables are larger than the caches: classify the batch and prefetch each record in two
    // steps (tags, then the slot they point to) before touching any, so the loads overlap.
    std::array<Classification, kBatch> classes;
    std::array<uint64_t, kBatch> hashes;
    for (size_t i = 0; i < batch_size; ++i) {
        Classification& c = classes[i];
        if (anomalies[i] == capture::DecodeAnomaly::NotIp) {
            c.packet_class = PacketClass::NotIp;
        } else {
            classifier_.classify(batch[i], c);
        }
        ++counts_.by_class[static_cast<size_t>(c.packet_class)];
        if (c.spoof_flags != 0) {
            countUntrusted(c.spoof_flags);
            continue; // never a record of its claimed source
        }
        switch (c.packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
        case PacketClass::IcmpEcho:
            hashes[i] = scans_.hashOf(batch[i]);
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
    for (size_t i = 0; i < batch_size; ++i) {
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
    scans_.reserve(batch_size); // no rehash while the batch holds references
    backscatter_.reserve(batch_size);
    // Locate (or create, in packet order) every record, and prefetch the destination and port sets
    // each update will touch: with many distinct destinations per source these are one more cache
    // miss per packet, as large as the record's own.
    std::array<void*, kBatch> records{}; // null: the packet updates no record
    for (size_t i = 0; i < batch_size; ++i) {
        const capture::DecodedPacket& p = batch[i];
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
    for (size_t i = 0; i < batch_size; ++i) {
        if (records[i] == nullptr) {
            continue;
        }
        const capture::DecodedPacket& p = batch[i];
        const Classification& c = classes[i];
        switch (c.packet_class) {
        case PacketClass::TcpSynProbe:
        case PacketClass::UdpProbe:
            scans_.update(*static_cast<ScanRecord*>(records[i]), p, c.dst_key, c.tool);
            port_minutes_.add(p);
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
}

void DarknetShard::countUntrusted(uint8_t flags) {
    ++counts_.untrusted;
    for (int bit = 0; bit < spoof_flag::kCount; ++bit) {
        if ((flags & (1U << bit)) != 0) {
            ++counts_.untrusted_by_reason[static_cast<size_t>(bit)];
        }
    }
}

} // namespace kansoku::darknet

#include "darknet/scan_tracker.h"

#include "darknet/event_fields.h"

namespace kansoku::darknet {

const char* scanKindName(ScanKind kind) {
    switch (kind) {
    case ScanKind::Horizontal:
        return "horizontal";
    case ScanKind::Vertical:
        return "vertical";
    case ScanKind::Block:
        return "block";
    }
    return "invalid";
}

ScanTracker::ScanTracker(ScanTrackerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink), table_(options_.max_bytes) {
    if (options_.darknet_v4_size <= (uint64_t{1} << 32)) {
        v4_destinations_.universe = options_.darknet_v4_size;
    }
}

void ScanTracker::update(ScanRecord& r, const capture::DecodedPacket& p, uint32_t dst_key, ScannerTool tool) {
    r.last_seen = std::max(r.last_seen, p.ts);
    ++r.packets;
    ++r.tool_packets[static_cast<size_t>(tool)];
    r.seq_varies = r.seq_varies || p.seq != r.first_seq;
    r.ttl_min = std::min(r.ttl_min, p.ttl);
    r.ttl_max = std::max(r.ttl_max, p.ttl);
    ptrdiff_t heap = r.destinations.insert(dst_key, p.dst.isV4() ? v4_destinations_ : v6_destinations_);
    if (p.protocol == capture::ip_proto::kTcp || p.protocol == capture::ip_proto::kUdp) {
        heap += r.ports.insert(p.dst_port);
        r.top_ports.add(p.dst_port);
    }
    if (heap != 0) {
        table_.addHeapBytes(heap);
    }
}

void ScanTracker::reserve(size_t n) {
    table_.reserve(n, [this](const ScanKey& k, ScanRecord&& rec, CloseReason why) { close(k, std::move(rec), why); });
}

void ScanTracker::enforceBudget() {
    table_.enforceBudget(
        [this](const ScanKey& k, ScanRecord&& rec, CloseReason why) { close(k, std::move(rec), why); });
}

void ScanTracker::expire(Timestamp now) {
    table_.expire(now, options_.idle_timeout,
                  [this](const ScanKey& k, ScanRecord&& rec, CloseReason why) { close(k, std::move(rec), why); });
}

void ScanTracker::closeAll() {
    table_.drain([this](const ScanKey& k, ScanRecord&& rec, CloseReason why) { close(k, std::move(rec), why); });
}

ScannerTool ScanTracker::majorityTool(const ScanRecord& r) {
    size_t best = 0; // Unknown
    for (size_t i = 1; i < kScannerToolCount; ++i) {
        const bool beats_unknown_tie = best == 0 && r.tool_packets[i] != 0 && r.tool_packets[i] == r.tool_packets[0];
        if (r.tool_packets[i] > r.tool_packets[best] || beats_unknown_tie) {
            best = i;
        }
    }
    return static_cast<ScannerTool>(best);
}

ScanKind ScanTracker::classify(const ScanRecord& r) const {
    const bool many_ports = r.ports.count() >= options_.many_ports;
    const bool many_hosts = r.destinations.count() >= options_.many_hosts;
    if (many_ports && many_hosts) {
        return ScanKind::Block;
    }
    return many_ports ? ScanKind::Vertical : ScanKind::Horizontal;
}

void ScanTracker::close(const ScanKey& key, ScanRecord&& r, CloseReason reason) {
    if (r.packets < options_.min_packets) {
        ++below_min_packets_;
        return;
    }
    if (closed_ != nullptr) {
        closed_->keep(CloseOrder{r.first_seen, key.src, key.protocol}, key, std::move(r), reason);
        return;
    }
    emit(key, r, reason);
}

void ScanTracker::emit(const ScanKey& key, const ScanRecord& r, CloseReason reason) {
    Event event;
    event.type = "darknet.scan";
    event.ts = r.last_seen;
    event.sensor = options_.sensor;
    event.reserveFields(20);
    event.add("src", key.src.toString());
    event.add("proto", protocolName(key.protocol));
    event.add("first_seen", formatRfc3339(r.first_seen));
    event.add("last_seen", formatRfc3339(r.last_seen));
    event.add("packets", r.packets);
    event.add("dst_count", r.destinations.count());
    event.add("dst_count_exact", r.destinations.isExact());
    event.add("port_count", r.ports.count());
    event.add("dst_ports", portCountsJson(r.top_ports.top(options_.top_ports)));
    event.add("scan_kind", scanKindName(classify(r)));
    event.add("tool", scannerToolName(majorityTool(r)));
    auto tools = nlohmann::ordered_json::object();
    for (size_t i = 0; i < kScannerToolCount; ++i) {
        if (r.tool_packets[i] != 0) {
            tools[std::string(scannerToolName(static_cast<ScannerTool>(i)))] = r.tool_packets[i];
        }
    }
    event.add("tool_packets", std::move(tools));
    event.add("spoofed", false);
    const auto benign = options_.benign != nullptr ? options_.benign->label(key.src) : std::nullopt;
    event.add("benign", benign.has_value());
    if (benign) {
        event.add("benign_list", std::string(*benign));
    } else {
        event.add("benign_list", nullptr);
    }
    if (key.protocol == capture::ip_proto::kTcp) {
        event.add("same_seq", !r.seq_varies);
    }
    event.add("ttl", r.ttl_first);
    event.add("ttl_min", r.ttl_min);
    event.add("ttl_max", r.ttl_max);
    event.add("closed", closeReasonName(reason));
    sink_.publish(event);
    ++emitted_;
}

} // namespace kansoku::darknet

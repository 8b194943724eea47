#include "darknet/campaign_tracker.h"

#include <algorithm>
#include <cmath>

#include "darknet/event_fields.h"

namespace kansoku::darknet {

CampaignTracker::CampaignTracker(CampaignTrackerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink) {}

void CampaignTracker::observe(const CampaignKey& key, const IpAddress& src, bool is_new, uint64_t packets) {
    auto it = current_.find(key);
    if (it == current_.end()) {
        if (current_.size() >= options_.max_groups) {
            ++dropped_sources_;
            return;
        }
        it = current_.emplace(key, Group{}).first;
    }
    Group& g = it->second;
    ++g.sources;
    g.packets += packets;
    if (is_new) {
        ++g.new_sources;
    }
    // Keep the kSample lowest addresses, so the sample does not depend on table order.
    if (g.sample.size() < kSample) {
        g.sample.insert(std::upper_bound(g.sample.begin(), g.sample.end(), src), src);
    } else if (src < g.sample.back()) {
        g.sample.pop_back();
        g.sample.insert(std::upper_bound(g.sample.begin(), g.sample.end(), src), src);
    }
}

void CampaignTracker::endWindow(Timestamp window_start, Timestamp window_end) {
    std::map<CampaignKey, uint64_t> sizes;
    for (const auto& [key, g] : current_) {
        sizes[key] = g.sources;
        if (g.sources < options_.min_sources) {
            continue;
        }
        const auto previous = previous_sources_.find(key);
        const uint64_t before = previous == previous_sources_.end() ? 0 : previous->second;
        Event event;
        event.type = "darknet.campaign";
        event.ts = window_end;
        event.sensor = options_.sensor;
        event.reserveFields(13);
        const std::string proto = protocolName(key.protocol);
        const std::string tool(scannerToolName(key.tool));
        event.add("campaign", proto + "/" + std::to_string(key.port) + "/" + tool);
        event.add("proto", proto);
        event.add("port", key.port);
        event.add("tool", tool);
        event.add("window_start", formatRfc3339(window_start));
        event.add("window_end", formatRfc3339(window_end));
        event.add("sources", g.sources);
        event.add("new_sources", g.new_sources);
        event.add("previous_sources", before);
        // Growth against the previous window; null when the campaign is new.
        if (before != 0) {
            event.add("growth", std::round(static_cast<double>(g.sources) / static_cast<double>(before) * 1000) / 1000);
        } else {
            event.add("growth", nullptr);
        }
        event.add("packets", g.packets);
        auto sample = nlohmann::ordered_json::array();
        for (const auto& a : g.sample) {
            sample.push_back(a.toString());
        }
        event.add("sample_sources", std::move(sample));
        sink_.publish(event);
        ++emitted_;
    }
    previous_sources_ = std::move(sizes);
    current_.clear();
}

} // namespace kansoku::darknet

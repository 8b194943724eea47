#include "sandbox/fakenet/traffic_summary.h"

#include <algorithm>
#include <string>

namespace kansoku::sandbox::fakenet {

std::string toHex(std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const uint8_t b : bytes) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0x0fU]);
    }
    return hex;
}

void TrafficSummary::add(Timestamp ts, const IpAddress& dst, uint16_t key, std::span<const uint8_t> ip_packet) {
    if (packets_ == 0 || ts < first_seen_) {
        first_seen_ = ts;
    }
    if (packets_ == 0 || ts > last_seen_) {
        last_seen_ = ts;
    }
    ++packets_;
    bytes_ += ip_packet.size();
    if (destinations_.size() < limits_.max_distinct_destinations || destinations_.count(dst) != 0) {
        destinations_.insert(dst);
    } else {
        ++destinations_overflow_;
    }
    if (auto it = keys_.find(key); it != keys_.end()) {
        ++it->second;
    } else if (keys_.size() < limits_.max_keys) {
        keys_.emplace(key, 1);
    } else {
        ++keys_overflow_;
    }
    if (samples_.size() < limits_.sample_packets) {
        const size_t n = std::min(ip_packet.size(), limits_.sample_bytes);
        samples_.emplace_back(ip_packet.begin(), ip_packet.begin() + static_cast<std::ptrdiff_t>(n));
    }
}

double TrafficSummary::packetsPerSecond() const {
    if (packets_ == 0) {
        return 0.0;
    }
    const double seconds = std::max(1.0, static_cast<double>(last_seen_ - first_seen_) / kMicrosPerSecond);
    return static_cast<double>(packets_) / seconds;
}

uint64_t TrafficSummary::countFor(uint16_t key) const {
    const auto it = keys_.find(key);
    return it == keys_.end() ? 0 : it->second;
}

std::vector<std::pair<uint16_t, uint64_t>> TrafficSummary::top(size_t n) const {
    std::vector<std::pair<uint16_t, uint64_t>> all(keys_.begin(), keys_.end());
    const auto by_count = [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    const size_t k = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), by_count);
    all.resize(k);
    return all;
}

nlohmann::ordered_json TrafficSummary::toJson(const char* list_name, const char* item_name) const {
    nlohmann::ordered_json j;
    j["packets"] = packets_;
    j["bytes"] = bytes_;
    j["first_seen"] = packets_ == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(formatRfc3339(first_seen_));
    j["last_seen"] = packets_ == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(formatRfc3339(last_seen_));
    j["pps"] = packetsPerSecond();
    j["distinct_dsts"] = distinctDestinations();
    j["distinct_dsts_overflow"] = destinations_overflow_;
    auto keys = nlohmann::ordered_json::array();
    for (const auto& [key, count] : top(limits_.top_keys)) {
        keys.push_back({{item_name, key}, {"count", count}});
    }
    j[list_name] = std::move(keys);
    j["distinct_keys"] = keys_.size();
    j["keys_overflow"] = keys_overflow_;
    auto samples = nlohmann::ordered_json::array();
    for (const auto& s : samples_) {
        samples.push_back(toHex(s));
    }
    j["samples"] = std::move(samples);
    return j;
}

} // namespace kansoku::sandbox::fakenet

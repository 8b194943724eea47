#include "share/isp/report_row.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace kansoku::share::isp {
namespace {

std::string joined(const std::set<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += ';';
        }
        out += item;
    }
    return out;
}

/// "darknet.scan" -> "darknet": the sensor family that produced the event.
std::string evidenceSource(std::string_view type) {
    return std::string(type.substr(0, type.find('.')));
}

/// "Mirai.B" -> "mirai-b": lowercase letters, digits and '-' only.
std::string infectionToken(std::string_view family) {
    std::string out;
    for (const char c : family) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.empty() ? "unknown" : out;
}

} // namespace

std::string shadowserverTime(Timestamp ts) {
    std::string text = formatRfc3339(ts).substr(0, 19); // "2024-05-01T12:00:00"
    text[10] = ' ';
    return text;
}

std::optional<PortRef> parsePortRef(std::string_view ref) {
    const auto slash = ref.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view protocol = ref.substr(0, slash);
    if (protocol != "tcp" && protocol != "udp") {
        return std::nullopt;
    }
    const std::string_view digits = ref.substr(slash + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
        return std::nullopt;
    }
    return PortRef{std::string(protocol), static_cast<uint16_t>(port)};
}

ReportRow reportRow(const store::InfectedHostRecord& host) {
    ReportRow row;
    row.timestamp = shadowserverTime(host.last_seen);
    row.ip = host.ip.toString();
    row.asn = host.asn;
    row.geo = host.country;
    row.family = host.family;
    row.infection = infectionToken(host.family);
    row.count = static_cast<int64_t>(host.evidence.size());
    row.first_seen = shadowserverTime(host.first_seen);
    row.last_seen = row.timestamp;
    row.confidence = host.confidence;
    row.state = std::string(store::hostStateName(host.state));

    std::set<std::string> tags;
    std::set<std::string> sources;
    std::map<std::pair<std::string, uint16_t>, int> ports; // how often each protocol/port was hit
    for (const auto& evidence : host.evidence) {
        std::string tag = evidence.type;
        std::replace(tag.begin(), tag.end(), '.', '-');
        std::replace(tag.begin(), tag.end(), '_', '-');
        tags.insert(std::move(tag));
        sources.insert(evidenceSource(evidence.type));
        if (const auto port = parsePortRef(evidence.ref)) {
            ++ports[{port->protocol, port->port}];
        }
    }
    row.tag = joined(tags);
    row.evidence_type = joined(sources);
    // The most frequent port; ties go to the lowest (map order), so the row does not depend on
    // the order evidence was recorded in.
    int best = 0;
    for (const auto& [key, hits] : ports) {
        if (hits > best) {
            best = hits;
            row.protocol = key.first;
            row.port = key.second;
        }
    }
    return row;
}

} // namespace kansoku::share::isp

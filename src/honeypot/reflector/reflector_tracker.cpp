#include "honeypot/reflector/reflector_tracker.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/event.h"
#include "events/ddos_attack.h"
#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot::reflector {

std::string_view flowEndName(FlowEnd end) {
    switch (end) {
    case FlowEnd::Idle:
        return "idle";
    case FlowEnd::Evicted:
        return "evicted";
    case FlowEnd::End:
        return "end";
    }
    return "invalid";
}

ReflectorTracker::ReflectorTracker(TrackerOptions options, EventSink& sink)
    : options_(std::move(options)), sink_(sink) {
    options_.max_flows = std::max<size_t>(1, options_.max_flows);
}

bool ReflectorTracker::onRequest(const IpAddress& src, uint16_t src_port, Service service, uint16_t dst_port,
                                 size_t bytes, Timestamp now) {
    ++counters_.requests;
    const Key key{src, service};
    auto found = flows_.find(key);
    // A request after the idle timeout starts a new flow (the old one ended at its last request).
    if (found != flows_.end() && now - found->second->last_seen > options_.idle_timeout) {
        close(found->second, FlowEnd::Idle);
        found = flows_.end();
    }
    FlowList::iterator it;
    if (found == flows_.end()) {
        while (flows_.size() >= options_.max_flows) {
            ++counters_.evicted;
            close(order_.begin(), FlowEnd::Evicted);
        }
        Flow flow;
        flow.key = key;
        flow.id = ++next_id_;
        flow.dst_port = dst_port;
        flow.first_src_port = src_port;
        flow.first_seen = now;
        flow.last_seen = now;
        flow.window_start = now;
        order_.push_back(std::move(flow));
        it = std::prev(order_.end());
        flows_.emplace(key, it);
        ++counters_.flows;
    } else {
        it = found->second;
        order_.splice(order_.end(), order_, it); // most recently active last
    }
    Flow& flow = *it;
    flow.last_seen = std::max(flow.last_seen, now);
    ++flow.requests;
    flow.bytes_in += bytes;
    auto port =
        std::find_if(flow.ports.begin(), flow.ports.end(), [&](const PortCount& p) { return p.port == src_port; });
    if (port != flow.ports.end()) {
        ++port->packets;
    } else if (flow.ports.size() < options_.max_ports_per_flow) {
        flow.ports.push_back({src_port, 1});
    } else {
        ++counters_.ports_dropped;
        flow.ports_truncated = true;
    }

    if (now - flow.window_start >= options_.window) {
        flow.window_start = now;
        flow.window_answers = 0;
    }
    // A flow past the attack threshold is a victim: never answer it again.
    const bool victim = flow.requests >= options_.attack_min_requests;
    if (victim || flow.window_answers >= options_.answers_per_window) {
        ++flow.suppressed;
        ++counters_.suppressed;
        return false;
    }
    ++flow.window_answers;
    ++flow.answered;
    ++counters_.answered;
    return true;
}

void ReflectorTracker::onReplySent(const IpAddress& src, Service service, size_t bytes) {
    auto found = flows_.find(Key{src, service});
    if (found != flows_.end()) {
        found->second->bytes_out += bytes;
    }
}

void ReflectorTracker::expire(Timestamp now) {
    // Flows are ordered by last activity, so the idle ones are at the front.
    while (!order_.empty() && now - order_.front().last_seen > options_.idle_timeout) {
        close(order_.begin(), FlowEnd::Idle);
    }
}

void ReflectorTracker::flush() {
    while (!order_.empty()) {
        close(order_.begin(), FlowEnd::End);
    }
}

void ReflectorTracker::close(FlowList::iterator it, FlowEnd end) {
    emit(*it, end);
    flows_.erase(it->key);
    order_.erase(it);
}

void ReflectorTracker::emit(const Flow& flow, FlowEnd end) {
    const double duration_s = static_cast<double>(flow.last_seen - flow.first_seen) / kMicrosPerSecond;
    if (flow.requests >= options_.attack_min_requests) {
        events::DdosAttack attack;
        attack.sensor = options_.sensor;
        attack.victim = flow.key.src.toString();
        attack.vector = serviceName(flow.key.service);
        attack.start = flow.first_seen;
        attack.end = flow.last_seen;
        attack.duration_s = duration_s;
        attack.packets = flow.requests;
        // Requests arrive at the honeypot at the rate the attacker sends them to this one reflector:
        // est_pps is that observed rate (no darknet scaling applies).
        attack.est_pps =
            static_cast<uint64_t>(std::llround(static_cast<double>(flow.requests) / std::max(1.0, duration_s)));
        std::vector<PortCount> sorted = flow.ports;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const PortCount& a, const PortCount& b) { return a.packets > b.packets; });
        for (const auto& p : sorted) {
            attack.ports.emplace_back(p.port, p.packets);
        }
        attack.port_count = flow.ports.size(); // distinct ports tracked (at most max_ports_per_flow)
        attack.closed = flowEndName(end);
        attack.reflector =
            events::DdosAttack::Reflector{flow.ports_truncated, flow.dst_port, flow.bytes_in, flow.answered};
        ++counters_.attacks;
        sink_.publish(attack.toEvent());
    } else {
        const std::string session =
            fmt::format("{:016x}", (uint64_t{0x75} << 56) | (static_cast<uint64_t>(flow.key.service) << 48) | flow.id);
        const std::string src = flow.key.src.toString();
        const SessionEnd record{{session, serviceName(flow.key.service), src, flow.first_src_port, flow.dst_port},
                                options_.sensor,
                                flow.first_seen,
                                flow.last_seen,
                                duration_s,
                                flow.bytes_in,
                                flow.bytes_out,
                                flowEndName(end),
                                SessionEnd::UdpFlow{flow.requests, flow.answered}};
        ++counters_.sessions;
        sink_.publish(record.toEvent());
    }
}

} // namespace kansoku::honeypot::reflector

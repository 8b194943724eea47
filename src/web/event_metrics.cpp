#include "web/event_metrics.h"

#include <fmt/format.h>

#include "web/prometheus_text.h"

namespace kansoku::web {
namespace {

uint64_t unsignedField(const nlohmann::ordered_json& fields, const char* name) {
    const auto it = fields.find(name);
    return it != fields.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

std::string stringField(const nlohmann::ordered_json& fields, const char* name, const char* fallback) {
    const auto it = fields.find(name);
    return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

} // namespace

void EventMetrics::publish(const Event& event) {
    std::lock_guard lock(mutex_);
    ++events_[event.type];
    const auto& f = event.fields;
    if (!f.is_object()) {
        return;
    }
    if (event.type == "capture.stats") {
        for (const char* name : {"received", "dropped_kernel", "dropped_decode", "evicted_state", "untrusted_probes"}) {
            capture_[name] += unsignedField(f, name);
        }
        if (const auto classes = f.find("classes"); classes != f.end() && classes->is_object()) {
            for (const auto& [name, value] : classes->items()) {
                if (value.is_number_unsigned()) {
                    packets_[name] += value.get<uint64_t>();
                }
            }
        }
    } else if (event.type == "honeypot.session") {
        ++sessions_[stringField(f, "protocol", "unknown")];
        ++session_ends_[stringField(f, "close_reason", "unknown")];
    } else if (event.type == "honeypot.login") {
        const auto success = f.find("success");
        ++logins_[success != f.end() && success->is_boolean() && success->get<bool>() ? "true" : "false"];
    } else if (event.type == "sandbox.report") {
        ++analyses_[stringField(f, "verdict", "unknown")];
    } else if (event.type == "alert") {
        ++alerts_[stringField(f, "kind", "unknown")];
    }
}

void EventMetrics::render(std::string& out) const {
    std::lock_guard lock(mutex_);
    Exposition e;
    const auto labelled = [&e](std::string_view name, std::string_view help, std::string_view label,
                               const Counts& counts) {
        e.family(name, "counter", help);
        for (const auto& [key, value] : counts) {
            e.sample(name, fmt::format("{}=\"{}\"", label, labelValue(key)), static_cast<double>(value));
        }
    };
    labelled("kansoku_events_total", "Events seen by the center, by type.", "type", events_);
    labelled("kansoku_darknet_packets_total", "Darknet capture packets by class (capture.stats).", "class", packets_);
    e.single("kansoku_capture_received_total", "counter", "Packets the capture received.",
             static_cast<double>(capture_.count("received") ? capture_.at("received") : 0));
    e.family("kansoku_capture_dropped_total", "counter", "Packets lost: by the kernel, or undecodable.");
    e.sample("kansoku_capture_dropped_total", "reason=\"kernel\"",
             static_cast<double>(capture_.count("dropped_kernel") ? capture_.at("dropped_kernel") : 0));
    e.sample("kansoku_capture_dropped_total", "reason=\"decode\"",
             static_cast<double>(capture_.count("dropped_decode") ? capture_.at("dropped_decode") : 0));
    e.single("kansoku_darknet_evicted_state_total", "counter", "Darknet records closed early: state memory full.",
             static_cast<double>(capture_.count("evicted_state") ? capture_.at("evicted_state") : 0));
    e.single("kansoku_darknet_untrusted_probes_total", "counter", "Probes whose source cannot be trusted.",
             static_cast<double>(capture_.count("untrusted_probes") ? capture_.at("untrusted_probes") : 0));
    labelled("kansoku_honeypot_sessions_total", "Honeypot sessions ended, by protocol.", "protocol", sessions_);
    labelled(
        "kansoku_honeypot_session_ends_total",
        "Honeypot sessions by why they ended (input_limit, output_limit, total_timeout, idle_timeout: limits hit).",
        "reason", session_ends_);
    labelled("kansoku_honeypot_logins_total", "Honeypot login attempts, by whether they were accepted.", "success",
             logins_);
    labelled("kansoku_sandbox_analyses_total", "Sandbox analyses finished, by verdict.", "verdict", analyses_);
    labelled("kansoku_alerts_total", "Alerts raised, by kind.", "kind", alerts_);
    out += e.take();
}

} // namespace kansoku::web

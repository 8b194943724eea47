#include "sandbox/analysis/behaviour_report.h"

#include <algorithm>
#include <cmath>

#include "common/printable.h"
#include "common/time.h"

namespace kansoku::sandbox {

std::string_view severityName(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return "info";
    case Severity::Low:
        return "low";
    case Severity::Medium:
        return "medium";
    case Severity::High:
        return "high";
    }
    return "info";
}

std::string printableText(std::string_view text, size_t max) {
    return escapeNonPrintable(text, max);
}

namespace {

double roundTo(double value, double unit) {
    return std::round(value / unit) * unit;
}

nlohmann::ordered_json signaturesJson(const std::vector<SignatureHit>& hits) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const SignatureHit& hit : hits) {
        out.push_back({{"id", hit.id},
                       {"name", hit.name},
                       {"severity", severityName(hit.severity)},
                       {"mitre", hit.mitre},
                       {"evidence", hit.evidence}});
    }
    return out;
}

nlohmann::ordered_json jailJson(const JailResult& r) {
    return {{"timed_out", r.timed_out},
            {"sample_status_known", r.sample_status_known},
            {"exited", r.sample_exited},
            {"exit_code", r.exit_code},
            {"term_signal", r.term_signal},
            {"processes_reaped", r.processes_reaped},
            {"user_seconds", roundTo(r.user_seconds, 0.001)},
            {"system_seconds", roundTo(r.system_seconds, 0.001)},
            {"max_rss_kb", r.max_rss_kb},
            {"wall_ms", r.wall.count()},
            {"cgroup_used", r.cgroup_used},
            {"cgroup_fallback", r.cgroup_fallback}};
}

} // namespace

nlohmann::ordered_json ScanProfile::toJson() const {
    nlohmann::ordered_json ports = nlohmann::ordered_json::array();
    for (const auto& [port, count] : dst_ports) {
        ports.push_back({{"port", port}, {"count", count}});
    }
    return {{"proto", proto},     {"dst_ports", std::move(ports)},       {"dst_count", dst_count},
            {"packets", packets}, {"rate_pps", roundTo(rate_pps, 0.01)}, {"tool", tool}};
}

std::optional<ScanProfile> scanProfile(const fakenet::NetworkObservation& network, size_t top_ports) {
    const fakenet::TrafficSummary& syn = network.tcp_syn;
    if (syn.packets() == 0) {
        return std::nullopt;
    }
    ScanProfile profile;
    profile.dst_ports = syn.top(top_ports);
    profile.dst_count = syn.distinctDestinations();
    profile.packets = syn.packets();
    profile.rate_pps = syn.packetsPerSecond();
    // The rule that matched most SYNs; SYNs no rule matched (Unknown) never win over a named tool.
    uint64_t best = 0;
    for (size_t i = 0; i < darknet::kScannerToolCount; ++i) {
        const auto tool = static_cast<darknet::ScannerTool>(i);
        if (tool != darknet::ScannerTool::Unknown && network.fingerprints[i] > best) {
            best = network.fingerprints[i];
            profile.tool = std::string(darknet::scannerToolName(tool));
        }
    }
    return profile;
}

nlohmann::ordered_json BehaviourReport::toJson() const {
    nlohmann::ordered_json j;
    j["sha256"] = sha256;
    j["file_type"] = file_type;
    j["arch"] = arch;
    j["emulated"] = emulated;
    j["verdict"] = verdict;
    j["score"] = score;
    j["signatures"] = signaturesJson(signatures);
    nlohmann::ordered_json behaviour_json = behaviour.toJson();
    j["processes"] =
        behaviour_json.contains("processes") ? behaviour_json["processes"] : nlohmann::ordered_json::array();
    j["files"] = behaviour_json.contains("files") ? behaviour_json["files"] : nlohmann::ordered_json::array();
    nlohmann::ordered_json net = network.toJson(); // DNS names follow common/attacker_text.h there
    net["socket_calls"] =
        behaviour_json.contains("network") ? behaviour_json["network"] : nlohmann::ordered_json::array();
    net["sends"] = behaviour_json.contains("sends") ? behaviour_json["sends"] : nlohmann::ordered_json::array();
    net["resolvers_configured"] = resolvers;
    j["network"] = std::move(net);
    j["scan"] = scan ? scan->toJson() : nlohmann::ordered_json(nullptr);
    j["behaviour"] = std::move(behaviour_json); // signals, persistence, renames, flags, counters
    nlohmann::ordered_json dropped_json = nlohmann::ordered_json::array();
    for (const DroppedFile& f : dropped) {
        dropped_json.push_back({{"path", f.path},
                                {"size", f.size},
                                {"symlink", f.symlink},
                                {"is_sample", f.is_sample},
                                {"sha256", f.sha256},
                                {"md5", f.md5},
                                {"sha1", f.sha1},
                                {"file_type", f.file_type},
                                {"kept_path", f.kept_path}});
    }
    j["dropped_files"] = std::move(dropped_json);
    j["timed_out"] = timed_out;
    j["exit"] = jailJson(jail);
    j["limits_hit"] = limits_hit;
    j["notes"] = notes;
    return j;
}

Event makeSandboxReportEvent(const BehaviourReport& report, const std::string& sensor, Timestamp ts) {
    Event event;
    event.type = "sandbox.report";
    event.ts = ts;
    event.sensor = sensor;
    const nlohmann::ordered_json full = report.toJson();
    event.add("sha256", report.sha256);
    event.add("arch", report.arch);
    event.add("verdict", report.verdict);
    event.add("score", report.score);
    event.add("signatures", full["signatures"]);
    event.add("network", nlohmann::ordered_json{{"dns", full["network"]["dns"]},
                                                {"connections", full["network"]["connections"]},
                                                {"scan", full["scan"]}});
    event.add("processes", full["processes"]);
    event.add("files", full["files"]);
    return event;
}

} // namespace kansoku::sandbox

#pragma once

// Events as the sensors write them (every documented field, docs/events.md), for the correlation
// tests and bench/correlation_bench: realistic bodies, so parsing costs what it costs in a store.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/event.h"
#include "common/time.h"

namespace kansoku::testing {

using Json = nlohmann::ordered_json;

inline Event makeEvent(std::string type, Timestamp ts, std::string sensor = "tokyo-1") {
    Event e;
    e.type = std::move(type);
    e.ts = ts;
    e.sensor = std::move(sensor);
    return e;
}

/// darknet.scan of `src` by `tool` over `ports` (most probed first).
inline Event scanEvent(const std::string& src, const std::string& tool, const std::vector<uint16_t>& ports,
                       Timestamp ts, bool benign = false) {
    Event e = makeEvent("darknet.scan", ts);
    const Timestamp first = ts - 60 * kMicrosPerSecond;
    Json dst_ports = Json::array();
    uint64_t packets = 0;
    for (size_t i = 0; i < ports.size(); ++i) {
        const uint64_t n = 100 / (i + 1);
        packets += n;
        dst_ports.push_back({{"port", ports[i]}, {"packets", n}});
    }
    e.add("src", src);
    e.add("proto", "tcp");
    e.add("first_seen", formatRfc3339(first));
    e.add("last_seen", formatRfc3339(ts));
    e.add("packets", packets);
    e.add("dst_count", packets);
    e.add("dst_count_exact", true);
    e.add("port_count", ports.size());
    e.add("dst_ports", std::move(dst_ports));
    e.add("scan_kind", "horizontal");
    e.add("tool", tool);
    e.add("tool_packets", Json{{tool, packets}});
    e.add("spoofed", false);
    e.add("benign", benign);
    e.add("benign_list", benign ? Json("censys-scanning") : Json(nullptr));
    e.add("same_seq", tool == "nmap");
    e.add("ttl", 52);
    e.add("ttl_min", 52);
    e.add("ttl_max", 54);
    e.add("closed", "idle");
    return e;
}

/// ddos.attack on `victim`, by `evidence` ("backscatter" or "reflector").
inline Event attackEvent(const std::string& victim, const std::string& evidence, Timestamp ts) {
    Event e = makeEvent("ddos.attack", ts);
    e.add("victim", victim);
    e.add("vector", evidence == "reflector" ? "dns" : "syn_flood");
    e.add("evidence", evidence);
    e.add("start", formatRfc3339(ts - 120 * kMicrosPerSecond));
    e.add("end", formatRfc3339(ts));
    e.add("duration_s", 120.0);
    e.add("packets", 5000);
    e.add("est_pps", 41);
    e.add("ports", Json::array({Json{{"port", 53}, {"packets", 5000}}}));
    e.add("port_count", 1);
    e.add("closed", "idle");
    return e;
}

inline Event honeypotEvent(std::string type, const std::string& session, const std::string& src, Timestamp ts,
                           const std::string& sensor = "tokyo-1") {
    Event e = makeEvent(std::move(type), ts, sensor);
    e.add("session", session);
    e.add("src", src);
    e.add("src_port", 40000);
    e.add("dst_port", 2323);
    e.add("protocol", "telnet");
    return e;
}

inline Event loginEvent(const std::string& session, const std::string& src, bool success, Timestamp ts) {
    Event e = honeypotEvent("honeypot.login", session, src, ts);
    e.add("username", "root");
    e.add("password", "xc3511");
    e.add("success", success);
    e.add("attempt", 1);
    return e;
}

/// honeypot.command of `input`; `commands` are the argv[0]s, `executed` the dropped files it ran.
inline Event commandEvent(const std::string& session, const std::string& src, const std::string& input,
                          std::vector<std::string> commands, std::vector<std::string> executed, Timestamp ts) {
    Event e = honeypotEvent("honeypot.command", session, src, ts);
    e.add("input", input);
    e.add("truncated", false);
    e.add("interactive", true);
    e.add("status", 0);
    e.add("commands", std::move(commands));
    e.add("executed", std::move(executed));
    return e;
}

/// honeypot.download; an empty `sha256` is a failed download.
inline Event downloadEvent(const std::string& session, const std::string& src, const std::string& sha256,
                           Timestamp ts) {
    Event e = honeypotEvent("honeypot.download", session, src, ts);
    e.add("url", "http://192.0.2.7/bins/mirai.arm7");
    e.add("tool", "wget");
    if (sha256.empty()) {
        e.add("outcome", "connect_failed");
        e.add("detail", "connection refused");
    } else {
        e.add("size", 61234);
        e.add("outcome", "ok");
        e.add("sha256", sha256);
        e.add("file_type", "ELF 32-bit LSB executable, ARM");
        e.add("new", true);
    }
    return e;
}

/// sample (after triage) with its YARA matches, collected in `session`.
inline Event sampleEvent(const std::string& sha256, std::vector<std::string> yara, Timestamp ts,
                         const std::string& session = "00000000000000aa") {
    Event e = makeEvent("sample", ts);
    e.add("sha256", sha256);
    e.add("md5", std::string(32, '0'));
    e.add("sha1", std::string(40, '0'));
    e.add("size", 61234);
    e.add("file_type", "ELF 32-bit LSB executable, ARM");
    e.add("arch", "ARM");
    e.add("ssdeep", "768:abc:def");
    e.add("first_seen", formatRfc3339(ts));
    e.add("last_seen", formatRfc3339(ts));
    e.add("sources", Json::array({Json{{"kind", "download"},
                                       {"url", "http://192.0.2.7/bins/mirai.arm7"},
                                       {"session", session},
                                       {"sensor", "tokyo-1"},
                                       {"first_seen", formatRfc3339(ts)}}}));
    e.add("count", 1);
    e.add("yara", std::move(yara));
    e.add("packers", Json::array());
    return e;
}

struct SandboxNetwork {
    std::vector<std::pair<std::string, uint16_t>> connections; ///< dst, port
    std::vector<std::pair<std::string, std::string>> dns;      ///< qname, answer
    std::string scan_tool;                                     ///< "" for no scan
    std::vector<uint16_t> scan_ports;
};

/// sandbox.report of `sha256` with the given network behaviour.
inline Event sandboxEvent(const std::string& sha256, const SandboxNetwork& net, Timestamp ts) {
    Event e = makeEvent("sandbox.report", ts);
    Json connections = Json::array();
    for (const auto& [dst, port] : net.connections) {
        connections.push_back({{"first_seen", formatRfc3339(ts)},
                               {"last_seen", formatRfc3339(ts)},
                               {"src", "10.0.2.15"},
                               {"src_port", 41000},
                               {"dst", dst},
                               {"dst_port", port},
                               {"first_bytes_hex", "00000001"},
                               {"first_bytes_text", "...."},
                               {"bytes", 4},
                               {"bytes_sent", 0},
                               {"closed", "fin"}});
    }
    Json dns = Json::array();
    for (const auto& [qname, answer] : net.dns) {
        dns.push_back({{"ts", formatRfc3339(ts)},
                       {"resolver", "192.0.2.53"},
                       {"client", "10.0.2.15"},
                       {"client_port", 5353},
                       {"qname", qname},
                       {"qtype", 1},
                       {"rcode", 0},
                       {"answer", answer}});
    }
    Json scan = nullptr;
    if (!net.scan_tool.empty()) {
        Json ports = Json::array();
        for (size_t i = 0; i < net.scan_ports.size(); ++i) {
            ports.push_back({{"port", net.scan_ports[i]}, {"count", 900 / (i + 1)}});
        }
        scan = {{"proto", "tcp"},   {"dst_ports", std::move(ports)}, {"dst_count", 250}, {"packets", 1000},
                {"rate_pps", 33.3}, {"tool", net.scan_tool}};
    }
    e.add("sha256", sha256);
    e.add("arch", "ARM");
    e.add("verdict", "malicious");
    e.add("score", 80);
    e.add("signatures", Json::array({Json{{"id", "network.scan"},
                                          {"name", "scans the network"},
                                          {"severity", "high"},
                                          {"mitre", Json::array({"T1046"})},
                                          {"evidence", Json::object()}}}));
    e.add("network", Json{{"dns", std::move(dns)}, {"connections", std::move(connections)}, {"scan", std::move(scan)}});
    e.add("processes", Json::array());
    e.add("files", Json::array());
    return e;
}

} // namespace kansoku::testing

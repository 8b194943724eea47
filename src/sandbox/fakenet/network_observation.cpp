#include "sandbox/fakenet/network_observation.h"

#include "common/attacker_text.h"

namespace kansoku::sandbox::fakenet {

std::string_view closeReasonName(CloseReason reason) {
    switch (reason) {
    case CloseReason::Open:
        return "open";
    case CloseReason::PeerFin:
        return "fin";
    case CloseReason::PeerReset:
        return "rst";
    case CloseReason::IdleTimeout:
        return "idle_timeout";
    case CloseReason::Evicted:
        return "evicted";
    }
    return "invalid";
}

std::string printable(std::span<const uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (const uint8_t b : bytes) {
        out.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
    }
    return out;
}

nlohmann::ordered_json NetworkObservation::toJson() const {
    nlohmann::ordered_json j;
    auto dns_json = nlohmann::ordered_json::array();
    for (const auto& d : dns) {
        nlohmann::ordered_json query{{"ts", formatRfc3339(d.ts)},
                                     {"resolver", d.resolver.toString()},
                                     {"client", d.client.toString()},
                                     {"client_port", d.client_port}};
        setAttackerText(query, "qname", d.qname); // a sample's DNS name: any bytes it chose
        query["qtype"] = d.qtype;
        query["rcode"] = d.rcode;
        query["answer"] = d.answer;
        dns_json.push_back(std::move(query));
    }
    j["dns"] = std::move(dns_json);

    auto connections_json = nlohmann::ordered_json::array();
    for (const auto& c : connections) {
        connections_json.push_back({{"first_seen", formatRfc3339(c.first_seen)},
                                    {"last_seen", formatRfc3339(c.last_seen)},
                                    {"src", c.src.toString()},
                                    {"src_port", c.src_port},
                                    {"dst", c.dst.toString()},
                                    {"dst_port", c.dst_port},
                                    {"syn",
                                     {{"ttl", c.syn.ttl},
                                      {"ip_id", c.syn.ip_id},
                                      {"seq", c.syn.seq},
                                      {"window", c.syn.window},
                                      {"mss", c.syn.mss},
                                      {"options", toHex(c.syn.options)},
                                      {"tool", darknet::scannerToolName(c.syn.tool)}}},
                                    {"first_bytes_hex", toHex(c.first_bytes)},
                                    {"first_bytes_text", printable(c.first_bytes)},
                                    {"bytes", c.bytes_received},
                                    {"bytes_sent", c.bytes_sent},
                                    {"closed", closeReasonName(c.closed)}});
    }
    j["connections"] = std::move(connections_json);

    j["scans"] = {{"tcp_syn", tcp_syn.toJson("dst_ports", "port")},
                  {"udp", udp.toJson("dst_ports", "port")},
                  {"icmp", icmp.toJson("types", "type")},
                  {"other", other.toJson("protocols", "protocol")}};

    nlohmann::ordered_json tools;
    for (size_t i = 0; i < darknet::kScannerToolCount; ++i) {
        tools[std::string(darknet::scannerToolName(static_cast<darknet::ScannerTool>(i)))] = fingerprints[i];
    }
    j["fingerprints"] = std::move(tools);

    const FakeNetCounters& k = counters;
    j["counters"] = {{"packets_in", k.packets_in},
                     {"bytes_in", k.bytes_in},
                     {"packets_out", k.packets_out},
                     {"bytes_out", k.bytes_out},
                     {"malformed_ip", k.malformed_ip},
                     {"malformed_transport", k.malformed_transport},
                     {"malformed_dns", k.malformed_dns},
                     {"fragments", k.fragments},
                     {"dns_queries", k.dns_queries},
                     {"dns_records_dropped", k.dns_records_dropped},
                     {"connections_evicted", k.connections_evicted},
                     {"connection_records_dropped", k.connection_records_dropped},
                     {"half_open_closed", k.half_open_closed},
                     {"tcp_out_of_order", k.tcp_out_of_order},
                     {"tcp_stray", k.tcp_stray},
                     {"tcp_rst_for_closed_port", k.tcp_rst_for_closed_port},
                     {"bytes_not_recorded", k.bytes_not_recorded},
                     {"icmp_echo_replies", k.icmp_echo_replies},
                     {"ipv6_link_control", k.ipv6_link_control},
                     {"write_errors", k.write_errors}};
    return j;
}

} // namespace kansoku::sandbox::fakenet

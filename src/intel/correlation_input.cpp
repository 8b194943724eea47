#include "intel/correlation_input.h"

#include <algorithm>

#include <fmt/format.h>

namespace kansoku::intel {
namespace {

const EventFields* member(const EventFields& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

const std::string* text(const EventFields& object, std::string_view key) {
    const EventFields* value = member(object, key);
    return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

/// A boolean field; absent reads as `absent`, any other type is malformed (nullopt).
std::optional<bool> flag(const EventFields& object, std::string_view key, bool absent) {
    const EventFields* value = member(object, key);
    if (value == nullptr) {
        return absent;
    }
    if (!value->is_boolean()) {
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<IpAddress> address(const EventFields& object, std::string_view key) {
    const std::string* value = text(object, key);
    return value == nullptr ? std::nullopt : IpAddress::parse(*value);
}

std::optional<Timestamp> time(const EventFields& object, std::string_view key) {
    const std::string* value = text(object, key);
    return value == nullptr ? std::nullopt : parseRfc3339(*value);
}

std::optional<uint16_t> port(const EventFields& value) {
    if (!value.is_number_unsigned() && !value.is_number_integer()) {
        return std::nullopt;
    }
    const int64_t n = value.get<int64_t>();
    if (n < 0 || n > 65535) {
        return std::nullopt;
    }
    return static_cast<uint16_t>(n);
}

/// [{port, packets|count}...] -> the ports in order; nullopt when malformed.
std::optional<PortList> ports(const EventFields* list) {
    PortList out;
    if (list == nullptr || !list->is_array()) {
        return std::nullopt;
    }
    for (const EventFields& item : *list) {
        const EventFields* number = member(item, "port");
        if (number == nullptr) {
            return std::nullopt;
        }
        const auto p = port(*number);
        if (!p) {
            return std::nullopt;
        }
        if (out.count < PortList::kMaxPorts && !out.contains(*p)) {
            out.ports[out.count++] = *p;
        }
    }
    return out;
}

/// The honeypot context every honeypot.* event starts with (the parts the correlator needs).
std::optional<HoneypotInput> context(const EventFields& fields) {
    const std::string* session = text(fields, "session");
    const auto src = address(fields, "src");
    if (session == nullptr || session->empty() || session->size() > 64 || !src) {
        return std::nullopt;
    }
    HoneypotInput in;
    in.session = *session;
    in.src = *src;
    if (const std::string* protocol = text(fields, "protocol")) {
        in.protocol = protocol->substr(0, 32);
    }
    return in;
}

/// An array of strings (non-strings are malformed); at most `limit` kept.
std::optional<std::vector<std::string>> strings(const EventFields* list, size_t limit) {
    std::vector<std::string> out;
    if (list == nullptr) {
        return out;
    }
    if (!list->is_array()) {
        return std::nullopt;
    }
    for (const EventFields& item : *list) {
        if (!item.is_string()) {
            return std::nullopt;
        }
        if (out.size() < limit) {
            out.push_back(item.get<std::string>());
        }
    }
    return out;
}

} // namespace

bool PortList::contains(uint16_t port) const {
    return std::find(ports.begin(), ports.begin() + count, port) != ports.begin() + count;
}

bool PortList::subsetOf(const PortList& other) const {
    return std::all_of(ports.begin(), ports.begin() + count, [&](uint16_t p) { return other.contains(p); });
}

std::string PortList::toString() const {
    return fmt::format("{}", fmt::join(ports.begin(), ports.begin() + count, ","));
}

std::span<const std::string_view> inputFields(std::string_view type) {
    using Keys = std::span<const std::string_view>;
    static constexpr std::string_view kScan[] = {"src",       "proto",      "spoofed",   "benign",
                                                 "dst_ports", "first_seen", "last_seen", "tool"};
    static constexpr std::string_view kAttack[] = {"victim", "evidence"};
    static constexpr std::string_view kLogin[] = {"session", "src", "protocol", "success"};
    static constexpr std::string_view kCommand[] = {"session", "src", "protocol", "commands", "executed"};
    static constexpr std::string_view kDownload[] = {"session", "src", "protocol", "sha256", "outcome"};
    static constexpr std::string_view kSample[] = {"sha256", "yara", "sources"};
    static constexpr std::string_view kSandbox[] = {"sha256", "network"};
    static constexpr std::pair<std::string_view, Keys> kTypes[] = {
        {"darknet.scan", kScan},        {"ddos.attack", kAttack},         {"honeypot.login", kLogin},
        {"honeypot.command", kCommand}, {"honeypot.download", kDownload}, {"sample", kSample},
        {"sandbox.report", kSandbox},
    };
    for (const auto& [name, keys] : kTypes) {
        if (name == type) {
            return keys;
        }
    }
    return {};
}

bool isSha256(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<ScanInput> decodeScan(const EventFields& fields) {
    const auto src = address(fields, "src");
    const std::string* proto = text(fields, "proto");
    const auto spoofed = flag(fields, "spoofed", false);
    const auto benign = flag(fields, "benign", false);
    const auto dst_ports = ports(member(fields, "dst_ports"));
    const auto first = time(fields, "first_seen");
    const auto last = time(fields, "last_seen");
    if (!src || proto == nullptr || !spoofed || !benign || !dst_ports || !first || !last || *last < *first) {
        return std::nullopt;
    }
    ScanInput in;
    in.src = *src;
    in.proto = proto->substr(0, 16);
    const std::string* tool = text(fields, "tool");
    in.tool = tool == nullptr ? "unknown" : tool->substr(0, 32);
    in.ports = *dst_ports;
    in.spoofed = *spoofed;
    in.benign = *benign;
    in.first_seen = *first;
    in.last_seen = *last;
    return in;
}

std::optional<AttackInput> decodeAttack(const EventFields& fields) {
    const auto victim = address(fields, "victim");
    const std::string* evidence = text(fields, "evidence");
    if (!victim || evidence == nullptr) {
        return std::nullopt;
    }
    return AttackInput{*victim, *evidence == "reflector"};
}

std::optional<HoneypotInput> decodeLogin(const EventFields& fields) {
    auto in = context(fields);
    const EventFields* success = member(fields, "success");
    if (!in || success == nullptr || !success->is_boolean()) {
        return std::nullopt;
    }
    in->success = success->get<bool>();
    return in;
}

std::optional<HoneypotInput> decodeCommand(const EventFields& fields) {
    auto in = context(fields);
    if (!in) {
        return std::nullopt;
    }
    auto commands = strings(member(fields, "commands"), 32);
    auto executed = strings(member(fields, "executed"), 32);
    if (!commands || !executed) {
        return std::nullopt;
    }
    in->commands = std::move(*commands);
    in->executed = executed->size();
    return in;
}

std::optional<HoneypotInput> decodeDownload(const EventFields& fields) {
    auto in = context(fields);
    if (!in) {
        return std::nullopt;
    }
    if (const EventFields* sha = member(fields, "sha256")) {
        if (!sha->is_string() || !isSha256(sha->get_ref<const std::string&>())) {
            return std::nullopt;
        }
        in->sha256 = sha->get<std::string>();
    }
    if (const std::string* outcome = text(fields, "outcome")) {
        in->outcome = outcome->substr(0, 32);
    }
    return in;
}

std::optional<SampleInput> decodeSample(const EventFields& fields) {
    const std::string* sha = text(fields, "sha256");
    if (sha == nullptr || !isSha256(*sha)) {
        return std::nullopt;
    }
    SampleInput in;
    in.sha256 = *sha;
    auto yara = strings(member(fields, "yara"), 64);
    if (!yara) {
        return std::nullopt;
    }
    in.yara = std::move(*yara);
    if (const EventFields* sources = member(fields, "sources")) {
        if (!sources->is_array()) {
            return std::nullopt;
        }
        for (const EventFields& source : *sources) {
            const std::string* session = text(source, "session");
            if (session != nullptr && !session->empty() && session->size() <= 64 && in.sessions.size() < 32) {
                in.sessions.push_back(*session);
            }
        }
    }
    return in;
}

std::optional<SandboxInput> decodeSandboxReport(const EventFields& fields) {
    const std::string* sha = text(fields, "sha256");
    const EventFields* network = member(fields, "network");
    if (sha == nullptr || !isSha256(*sha) || network == nullptr || !network->is_object()) {
        return std::nullopt;
    }
    constexpr size_t kMaxIndicators = 256; // per report; the fake network records at most 1,024 of each
    SandboxInput in;
    in.sha256 = *sha;
    if (const EventFields* connections = member(*network, "connections")) {
        if (!connections->is_array()) {
            return std::nullopt;
        }
        for (const EventFields& c : *connections) {
            const auto dst = address(c, "dst");
            const EventFields* dst_port = member(c, "dst_port");
            const auto p = dst_port == nullptr ? std::nullopt : port(*dst_port);
            if (!dst || !p) {
                return std::nullopt;
            }
            if (in.connections.size() < kMaxIndicators) {
                in.connections.push_back({*dst, *p});
            }
        }
    }
    if (const EventFields* dns = member(*network, "dns")) {
        if (!dns->is_array()) {
            return std::nullopt;
        }
        for (const EventFields& query : *dns) {
            const std::string* qname = text(query, "qname");
            if (qname == nullptr) {
                return std::nullopt;
            }
            // A name that was not valid UTF-8 (qname_b64) is not a usable blocklist entry.
            if (member(query, "qname_b64") == nullptr && in.qnames.size() < kMaxIndicators) {
                in.qnames.push_back(*qname);
            }
            if (const auto answer = address(query, "answer"); answer && in.dns_answers.size() < kMaxIndicators) {
                in.dns_answers.push_back(*answer);
            }
        }
    }
    if (const EventFields* scan = member(*network, "scan"); scan != nullptr && !scan->is_null()) {
        const std::string* proto = text(*scan, "proto");
        const auto scan_ports = ports(member(*scan, "dst_ports"));
        if (proto == nullptr || !scan_ports) {
            return std::nullopt;
        }
        const std::string* tool = text(*scan, "tool");
        in.scan = SandboxInput::ScanProfile{proto->substr(0, 16), tool == nullptr ? "unknown" : tool->substr(0, 32),
                                            *scan_ports};
    }
    return in;
}

} // namespace kansoku::intel

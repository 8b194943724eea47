#pragma once

/// The parts of events the correlator reads (docs/events.md), decoded once into small typed
/// records. Events are hostile input: a decoder returns nullopt for an event whose needed fields
/// are missing or of the wrong type (the correlator counts it) and never throws.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/ip_address.h"
#include "common/time.h"

namespace kansoku::intel {

using EventFields = nlohmann::ordered_json;

/// Most-probed destination ports of a scan, most first (darknet.scan `dst_ports`, the sandbox
/// report's `scan.dst_ports`), at most kMaxPorts.
struct PortList {
    static constexpr size_t kMaxPorts = 8;
    std::array<uint16_t, kMaxPorts> ports{};
    uint8_t count = 0;

    bool empty() const { return count == 0; }
    uint16_t top() const { return ports[0]; }
    bool contains(uint16_t port) const;
    /// Every port of this list is in `other`.
    bool subsetOf(const PortList& other) const;
    /// "23,2323"
    std::string toString() const;
};

/// darknet.scan
struct ScanInput {
    IpAddress src;
    std::string proto;
    std::string tool;
    PortList ports;
    bool spoofed = false;
    bool benign = false;
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
};

/// ddos.attack
struct AttackInput {
    IpAddress victim;
    bool reflector = false; ///< evidence "reflector": the victim's address was spoofed in requests
};

/// honeypot.login, honeypot.command, honeypot.download: the session context and what matters.
struct HoneypotInput {
    std::string session;
    IpAddress src;
    std::string protocol;
    bool success = false;              ///< login
    std::vector<std::string> commands; ///< command: argv[0] of each simple command
    size_t executed = 0;               ///< command: dropped files it tried to run
    std::string sha256;                ///< download: the stored content, "" when nothing was stored
    std::string outcome;               ///< download
};

/// sample
struct SampleInput {
    std::string sha256;
    std::vector<std::string> yara;
    std::vector<std::string> sessions; ///< sources[].session
};

/// sandbox.report
struct SandboxInput {
    struct Connection {
        IpAddress dst;
        uint16_t port = 0;
    };
    struct ScanProfile {
        std::string proto;
        std::string tool;
        PortList ports;
    };
    std::string sha256;
    std::vector<Connection> connections;
    std::vector<std::string> qnames;    ///< DNS names asked (valid UTF-8 names only)
    std::vector<IpAddress> dns_answers; ///< what the fake network answered (its sinkhole)
    std::optional<ScanProfile> scan;
};

std::optional<ScanInput> decodeScan(const EventFields& fields);
std::optional<AttackInput> decodeAttack(const EventFields& fields);
std::optional<HoneypotInput> decodeLogin(const EventFields& fields);
std::optional<HoneypotInput> decodeCommand(const EventFields& fields);
std::optional<HoneypotInput> decodeDownload(const EventFields& fields);
std::optional<SampleInput> decodeSample(const EventFields& fields);
std::optional<SandboxInput> decodeSandboxReport(const EventFields& fields);

/// The top-level fields the decoder of `type` reads (empty for a type the correlator does not read),
/// so a stored body can be parsed for these alone (event_body.h).
std::span<const std::string_view> inputFields(std::string_view type);

/// A SHA-256 as 64 lowercase hex digits.
bool isSha256(std::string_view text);

} // namespace kansoku::intel

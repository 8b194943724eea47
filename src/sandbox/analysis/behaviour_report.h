#pragma once

/// The result of one sandbox run (issue 5): what the sample did (the tracer's Observation),
/// what the fake network saw, the scan profile in darknet.scan terms, dropped files, the matched behaviour
/// signatures with their MITRE ATT&CK ids, a score and a verdict. toJson() is the full report;
/// makeSandboxReportEvent() the `sandbox.report` event (ARCHITECTURE.md "Events").

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/event.h"
#include "sandbox/fakenet/network_observation.h"
#include "sandbox/jail/jail_options.h"
#include "sandbox/tracer/observation.h"

namespace kansoku::sandbox {

enum class Severity : uint8_t { Info, Low, Medium, High };
std::string_view severityName(Severity severity);

/// One matched behaviour signature.
struct SignatureHit {
    std::string id;   ///< stable identifier ("network_scan", ...)
    std::string name; ///< one line for people
    Severity severity = Severity::Info;
    std::vector<std::string> mitre; ///< ATT&CK technique ids ("T1046", "T1071.004")
    nlohmann::ordered_json evidence = nlohmann::ordered_json::object();
};

/// The sample's SYN scanning in the terms of a darknet.scan record (docs/events.md).
struct ScanProfile {
    std::string proto = "tcp";
    std::vector<std::pair<uint16_t, uint64_t>> dst_ports; ///< top ports, most probed first
    uint64_t dst_count = 0;                               ///< distinct destination addresses
    uint64_t packets = 0;
    double rate_pps = 0;
    std::string tool = "unknown"; ///< the darknet fingerprint rule that matched most SYNs

    nlohmann::ordered_json toJson() const;
};

/// A file the sample left in a writable directory (its own copy included, unless it deleted it).
struct DroppedFile {
    std::string path; ///< as the sample saw it
    uint64_t size = 0;
    bool symlink = false;
    bool is_sample = false;        ///< the sample's own copy
    std::string md5, sha1, sha256; ///< empty for symlinks and unreadable files
    std::string file_type;         ///< malware::sniffFileType description
    std::string kept_path;         ///< host copy under AnalysisOptions::dropped_dir, if kept
};

struct BehaviourReport {
    std::string sha256;
    std::string file_type;
    std::string arch;
    bool emulated = false;
    std::string verdict = "clean"; ///< clean | suspicious | malicious (signatures.h explains the rules)
    int score = 0;                 ///< 0..100
    std::vector<SignatureHit> signatures;
    Observation behaviour; ///< the tracer's observation (every arch; foreign ones through qemu-user)
    fakenet::NetworkObservation network;
    std::optional<ScanProfile> scan; ///< set when the sample sent TCP SYNs
    std::vector<DroppedFile> dropped;
    std::vector<std::string> resolvers; ///< the jail's resolv.conf nameservers
    JailResult jail;
    bool timed_out = false;
    std::vector<std::string> limits_hit; ///< "cpu", "file_size", "memory", "processes", observation caps ...
    std::vector<std::string> notes; ///< non-fatal problems of the analysis itself (e.g. the tracer could not attach)

    nlohmann::ordered_json toJson() const;
};

/// Hostile bytes as printable ASCII (other bytes and '\\' as \xNN), cut at `max` bytes, so that what a sample
/// chose (DNS names, paths) always serialises as valid UTF-8.
std::string printableText(std::string_view text, size_t max = 256);

/// The scan profile of the fake network's SYN summary, or nullopt when no SYN was sent.
std::optional<ScanProfile> scanProfile(const fakenet::NetworkObservation& network, size_t top_ports = 10);

/// The `sandbox.report` event: sha256, arch, verdict, score, signatures, network {dns, connections, scan},
/// processes, files.
Event makeSandboxReportEvent(const BehaviourReport& report, const std::string& sensor, Timestamp ts);

} // namespace kansoku::sandbox

#pragma once

/// How samples are named on their stream (docs/transport.md "Samples"): a sample of sensor S with
/// SHA-256 H goes as chunks `<prefix>.S.H.0`, `<prefix>.S.H.1`, ... and then its manifest
/// `<prefix>.S.H.manifest` (size, chunk count, sources), each with Nats-Msg-Id `S:H:<part>` so the
/// stream drops a part sent twice. The center consumes only manifests and reads the chunks by subject.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kansoku::transport {

inline constexpr std::string_view kManifestPart = "manifest";

/// `<prefix>.<sensor>.<sha256>.<part>` (part: a chunk number or "manifest").
std::string sampleSubject(std::string_view prefix, std::string_view sensor, std::string_view sha256,
                          std::string_view part);
/// `<sensor>:<sha256>:<part>`.
std::string sampleMessageId(std::string_view sensor, std::string_view sha256, std::string_view part);
/// The center's consumer filter: every manifest, `<prefix>.*.*.manifest`.
std::string sampleManifestFilter(std::string_view prefix);

struct SampleSubject {
    std::string_view sensor;
    std::string_view sha256; ///< 64 lowercase hex digits
    std::string_view part;
};

/// Parses a subject below `prefix`; nullopt unless it has exactly sensor, SHA-256 and part tokens.
std::optional<SampleSubject> parseSampleSubject(std::string_view prefix, std::string_view subject);

/// 64 lowercase hex digits, as the sample store names a sample (malware's isSha256Hex; transport
/// sits below malware and cannot use it).
bool isSampleSha256(std::string_view text);

/// Chunks of a sample of `size` bytes in pieces of `chunk` bytes (at least one).
uint64_t sampleChunkCount(uint64_t size, uint64_t chunk);

} // namespace kansoku::transport

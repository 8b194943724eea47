#pragma once

/// Time as microseconds since the Unix epoch (UTC). Packet time drives offline analysis, so
/// trackers take timestamps from packets rather than from a clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kansoku {

using Timestamp = int64_t; ///< microseconds since 1970-01-01T00:00:00Z

constexpr Timestamp kMicrosPerSecond = 1'000'000;
constexpr Timestamp kMicrosPerMinute = 60 * kMicrosPerSecond;

/// RFC 3339 UTC with microseconds: 2024-05-01T12:00:00.000000Z.
std::string formatRfc3339(Timestamp ts);
/// formatRfc3339 appended to `out` (no temporary string: pages of records write many).
void appendRfc3339(std::string& out, Timestamp ts);

/// Parses RFC 3339 ("2024-05-01T12:00:00Z", fractional seconds and offsets allowed) or a bare date
/// ("2024-05-01", midnight UTC).
std::optional<Timestamp> parseRfc3339(std::string_view text);

/// Parses a `--since` value: an RFC 3339 time or a duration back from `now` ("90s", "15m", "24h", "7d").
std::optional<Timestamp> parseSince(std::string_view text, Timestamp now);

/// Wall-clock now.
Timestamp nowMicros();

} // namespace kansoku

#pragma once

/// Reading the dashboard API's query parameters (docs/web.md "Dashboard API"): each check gives a
/// one-line reason for a 400, quoting at most a few bytes of the bad value, escaped.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/result.h"
#include "common/time.h"
#include "store/dashboard_reader.h"
#include "web/query_params.h"

namespace kansoku::web {

/// Longest value any parameter may have (a longer one is a 400, never a wider query).
constexpr size_t kMaxParamValue = 256;
/// Longest time range a question may cover.
constexpr Timestamp kMaxRange = int64_t{400} * 24 * 3600 * kMicrosPerSecond;

/// Fails when a value is over kMaxParamValue bytes or holds a control character.
Result<void> checkParamValues(const QueryParams& params);
/// `from` and `to` (RFC 3339 or a duration back from `now`); default the 24 hours before `now`.
Result<store::TimeRange> timeRangeParam(const QueryParams& params, Timestamp now);
/// `limit`: a whole number from 1 to `max`; `fallback` when absent.
Result<int64_t> limitParam(const QueryParams& params, int64_t fallback, int64_t max);
/// `name` as a whole number from `lo` to `hi`, if present.
Result<std::optional<int64_t>> integerParam(const QueryParams& params, std::string_view name, int64_t lo, int64_t hi);
/// A step: "1m", "5m", "15m", "1h", "6h", "1d" or seconds, a multiple of 60 s.
Result<Timestamp> stepParam(const QueryParams& params, const store::TimeRange& range, size_t max_points);
/// An address, as text.
Result<IpAddress> addressValue(std::string_view name, std::string_view text);
/// 64 lowercase-or-uppercase hex digits, returned lowercase.
Result<std::string> sha256Value(std::string_view text);
/// A name of letters, digits and ".-_:/*" (event types, families, sensors, sessions), 1..`max` bytes.
Result<std::string> nameValue(std::string_view name, std::string_view text, size_t max);

} // namespace kansoku::web

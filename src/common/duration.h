#pragma once

/// A span of time in configuration and options: "500ms", "30s", "10m", "1h", "7d" (one number and
/// one unit; "1h30m" is "90m"). Stored as microseconds, like Timestamp.

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku {

class Duration {
public:
    constexpr Duration() = default;
    static constexpr Duration fromMicros(int64_t us) { return Duration(us); }
    static constexpr Duration fromMillis(int64_t ms) { return Duration(ms * 1000); }
    static constexpr Duration fromSeconds(int64_t s) { return Duration(s * 1'000'000); }
    static constexpr Duration fromMinutes(int64_t m) { return fromSeconds(m * 60); }
    static constexpr Duration fromHours(int64_t h) { return fromSeconds(h * 3600); }
    static constexpr Duration fromDays(int64_t d) { return fromSeconds(d * 86400); }
    template <typename Rep, typename Period>
    static constexpr Duration from(std::chrono::duration<Rep, Period> d) {
        return Duration(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
    }

    /// "30s", "250ms", "10m", "2h", "1d", "0s"; units us, ms, s, m, h, d. A bare number is refused:
    /// a config says its unit.
    static Result<Duration> parse(std::string_view text);
    /// The largest unit that shows it exactly: "10m", "90s", "1500ms".
    std::string toString() const;

    constexpr int64_t micros() const { return us_; }
    constexpr int64_t millis() const { return us_ / 1000; }
    constexpr int64_t seconds() const { return us_ / 1'000'000; }
    template <typename ChronoDuration>
    constexpr ChronoDuration as() const {
        return std::chrono::duration_cast<ChronoDuration>(std::chrono::microseconds(us_));
    }

    constexpr auto operator<=>(const Duration&) const = default;

private:
    constexpr explicit Duration(int64_t us) : us_(us) {}
    int64_t us_ = 0;
};

} // namespace kansoku

#include <limits>

#include <gtest/gtest.h>

#include "common/time.h"

namespace kansoku {
namespace {

/// 2024-05-01T12:00:00Z.
constexpr Timestamp kNoon = 1'714'564'800LL * kMicrosPerSecond;

TEST(Time, FormatsRfc3339WithMicroseconds) {
    EXPECT_EQ(formatRfc3339(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(formatRfc3339(kNoon), "2024-05-01T12:00:00.000000Z");
    EXPECT_EQ(formatRfc3339(kNoon + 1), "2024-05-01T12:00:00.000001Z");
    EXPECT_EQ(formatRfc3339(kNoon + 123'456), "2024-05-01T12:00:00.123456Z");
    EXPECT_EQ(formatRfc3339(1'709'208'000LL * kMicrosPerSecond), "2024-02-29T12:00:00.000000Z"); // leap day
    EXPECT_EQ(formatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Time, ParsesRfc3339) {
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00Z"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-01t12:00:00z"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-01 12:00:00Z"), kNoon);
    EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseRfc3339("2024-02-29T12:00:00Z"), 1'709'208'000LL * kMicrosPerSecond);
}

TEST(Time, ParsesBareDateAsMidnightUtc) {
    EXPECT_EQ(parseRfc3339("2024-05-01"), kNoon - 12 * 3600 * kMicrosPerSecond);
    EXPECT_EQ(parseRfc3339("1970-01-01"), 0);
}

TEST(Time, ParsesFractions) {
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.5Z"), kNoon + 500'000);
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.000001Z"), kNoon + 1);
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.123456Z"), kNoon + 123'456);
    // Digits past microseconds are dropped (truncated, not rounded).
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.1234567Z"), kNoon + 123'456);
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00.999999999Z"), kNoon + 999'999);
}

TEST(Time, ParsesOffsets) {
    EXPECT_EQ(parseRfc3339("2024-05-01T21:00:00+09:00"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-01T06:30:00-05:30"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00+00:00"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-01T12:00:00-00:00"), kNoon);
    EXPECT_EQ(parseRfc3339("2024-05-02T05:00:00.25+17:00"), kNoon + 250'000);
    // An offset that crosses the date line back into the previous day.
    EXPECT_EQ(parseRfc3339("2024-05-01T02:00:00-10:00"), kNoon);
}

TEST(Time, FormatThenParseRoundTrips) {
    for (const Timestamp ts : {Timestamp{0}, kNoon, kNoon + 1, kNoon + 999'999, Timestamp{4'102'444'799'999'999}}) {
        EXPECT_EQ(parseRfc3339(formatRfc3339(ts)), ts) << formatRfc3339(ts);
    }
}

TEST(Time, RejectsBadInput) {
    for (const char* text : {
             "",
             "garbage",
             "2024",
             "2024-05",
             "2024-5-01",
             "2024/05/01",
             "2024-13-01",
             "2024-00-01",
             "2024-05-00",
             "2024-05-32",
             "2024-05-01x",
             "2024-05-01T",
             "2024-05-01T12:00",
             "2024-05-01T12:00Z",
             "2024-05-01T12:00:00",       // no offset
             "2024-05-01T24:00:00Z",      // hour
             "2024-05-01T12:60:00Z",      // minute
             "2024-05-01T12:00:61Z",      // second
             "2024-05-01T12:00:00.Z",     // empty fraction
             "2024-05-01T12:00:00+0900",  // offset without colon
             "2024-05-01T12:00:00+09",    // offset without minutes
             "2024-05-01T12:00:00+09:0",  //
             "2024-05-01T12:00:00ZZ",     // trailing text
             "2024-05-01T12:00:00Z ",     //
             "2024-05-01T12:00:00+09:00x" //
         }) {
        EXPECT_FALSE(parseRfc3339(text)) << "'" << text << "'";
    }
}

TEST(Time, RejectsDaysPastTheEndOfTheMonth) {
    // RFC 3339 5.7: the day must exist in its month and year.
    for (const char* text : {"2023-02-29", "2024-02-30", "2024-04-31", "2024-06-31T00:00:00Z"}) {
        EXPECT_FALSE(parseRfc3339(text)) << "'" << text << "'";
    }
    EXPECT_TRUE(parseRfc3339("2024-02-29"));
    EXPECT_TRUE(parseRfc3339("2000-02-29"));
}

TEST(Time, SinceDurations) {
    const Timestamp now = kNoon;
    EXPECT_EQ(parseSince("90s", now), now - 90 * kMicrosPerSecond);
    EXPECT_EQ(parseSince("15m", now), now - 15 * kMicrosPerMinute);
    EXPECT_EQ(parseSince("24h", now), now - 24 * 3600 * kMicrosPerSecond);
    EXPECT_EQ(parseSince("7d", now), now - 7 * 86400 * kMicrosPerSecond);
    EXPECT_EQ(parseSince("0h", now), now);
}

TEST(Time, SinceDates) {
    const Timestamp now = kNoon + 86400 * kMicrosPerSecond;
    EXPECT_EQ(parseSince("2024-05-01T12:00:00Z", now), kNoon);
    EXPECT_EQ(parseSince("2024-05-01", now), kNoon - 12 * 3600 * kMicrosPerSecond);
    EXPECT_EQ(parseSince("2024-05-01T21:00:00+09:00", now), kNoon);
}

TEST(Time, SinceRejectsBadInput) {
    for (const char* text : {"", "h", "d", "24", "-5h", "+5h", "5x", "5 h", "h5", "1.5h", "24H", "yesterday"}) {
        EXPECT_FALSE(parseSince(text, kNoon)) << "'" << text << "'";
    }
}

TEST(Time, SinceRejectsDurationsThatOverflow) {
    // 10^12 days is far past what a Timestamp can hold: an error, not a wrapped-around time.
    EXPECT_FALSE(parseSince("1000000000000d", kNoon));
    EXPECT_FALSE(parseSince("9223372036854775807s", kNoon));
}

TEST(Time, NowIsAfter2024) {
    EXPECT_GT(nowMicros(), kNoon);
}

} // namespace
} // namespace kansoku

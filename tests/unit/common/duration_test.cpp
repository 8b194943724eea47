#include <gtest/gtest.h>

#include "common/byte_size.h"
#include "common/duration.h"

namespace kansoku {
namespace {

TEST(Duration, ParsesEveryUnit) {
    EXPECT_EQ(Duration::parse("250us")->micros(), 250);
    EXPECT_EQ(Duration::parse("500ms")->millis(), 500);
    EXPECT_EQ(Duration::parse("30s")->seconds(), 30);
    EXPECT_EQ(Duration::parse("10m")->seconds(), 600);
    EXPECT_EQ(Duration::parse("2h")->seconds(), 7200);
    EXPECT_EQ(Duration::parse("7d")->seconds(), 7 * 86400);
    EXPECT_EQ(Duration::parse("0s")->micros(), 0);
}

TEST(Duration, RefusesWhatIsNotOneNumberAndOneUnit) {
    for (const char* bad :
         {"", "s", "10", "10 s", "1h30m", "1.5h", "-1s", "10x", "10sec", "s10", "99999999999999999d"}) {
        EXPECT_FALSE(Duration::parse(bad)) << bad;
    }
    EXPECT_EQ(Duration::parse("10").error().message, "\"10\" has no unit (write e.g. \"10s\")");
}

TEST(Duration, PrintsTheLargestExactUnitAndRoundTrips) {
    EXPECT_EQ(Duration::fromSeconds(600).toString(), "10m");
    EXPECT_EQ(Duration::fromSeconds(90).toString(), "90s");
    EXPECT_EQ(Duration::fromMillis(1500).toString(), "1500ms");
    EXPECT_EQ(Duration::fromDays(1).toString(), "1d");
    EXPECT_EQ(Duration().toString(), "0s");
    for (int64_t us : {1LL, 999LL, 1000LL, 61'000'000LL, 3'600'000'000LL, 123'456'789LL}) {
        const auto d = Duration::fromMicros(us);
        EXPECT_EQ(Duration::parse(d.toString())->micros(), us) << d.toString();
    }
}

TEST(Duration, ConvertsToChrono) {
    EXPECT_EQ(Duration::fromSeconds(3).as<std::chrono::milliseconds>(), std::chrono::milliseconds(3000));
    EXPECT_EQ(Duration::from(std::chrono::minutes(2)), Duration::fromSeconds(120));
}

TEST(ByteSize, ParsesPrintsAndRefuses) {
    EXPECT_EQ(ByteSize::parse("64MiB")->bytes(), 64u << 20);
    EXPECT_EQ(ByteSize::parse("256KiB")->bytes(), 256u << 10);
    EXPECT_EQ(ByteSize::parse("2GiB")->bytes(), 2ULL << 30);
    EXPECT_EQ(ByteSize::parse("100B")->bytes(), 100u);
    EXPECT_EQ(ByteSize::fromKiB(1536).toString(), "1536KiB");
    EXPECT_EQ(ByteSize::fromMiB(512).toString(), "512MiB");
    EXPECT_EQ(ByteSize::fromBytes(1000).toString(), "1000B");
    EXPECT_EQ(ByteSize().toString(), "0B");
    for (const char* bad : {"", "64", "64MB", "64 MiB", "-1B", "1.5GiB", "MiB", "99999999999TiB"}) {
        EXPECT_FALSE(ByteSize::parse(bad)) << bad;
    }
}

} // namespace
} // namespace kansoku

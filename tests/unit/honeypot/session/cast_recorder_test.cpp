// Session recordings (issue 17 item 3): asciinema v2 casts written by CastRecorder and read back
// by readCast, bounded and counted.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "honeypot/session/cast_reader.h"
#include "honeypot/session/cast_recorder.h"

namespace kansoku::honeypot {
namespace {

namespace fs = std::filesystem;
using Clock = CastRecorder::Clock;

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("kansoku-cast-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

TEST(CastRecorder, WritesAnAsciinemaV2CastThatReadsBack) {
    TempDir dir;
    CastOptions options{dir.path.string(), 64 * 1024};
    const auto t0 = Clock::now();
    CastRecorder cast(options, "00000000000000c1", "telnet 198.51.100.7", t0, 1'700'000'000'000'000);
    cast.output("login: ", t0);
    cast.input("root\r", t0 + std::chrono::milliseconds(500));
    cast.output("root\r\n# ", t0 + std::chrono::milliseconds(600));
    cast.output("bad \xff\xfe bytes", t0 + std::chrono::milliseconds(300)); // earlier: kept in order
    cast.setSize(132, 43);
    cast.keep();
    CastCounters counters;
    cast.finish(counters);
    cast.finish(counters); // idempotent
    EXPECT_EQ(counters.casts, 1u);
    EXPECT_EQ(counters.cut, 0u);
    EXPECT_EQ(counters.bytes, fs::file_size(cast.path()));

    auto read = readCast(cast.path());
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(read->width, 132u);
    EXPECT_EQ(read->height, 43u);
    EXPECT_EQ(read->timestamp, 1'700'000'000);
    EXPECT_EQ(read->title, "telnet 198.51.100.7");
    ASSERT_EQ(read->events.size(), 4u);
    EXPECT_EQ(read->events[0].kind, 'o');
    EXPECT_EQ(read->events[0].data, "login: ");
    EXPECT_EQ(read->events[1].kind, 'i');
    EXPECT_DOUBLE_EQ(read->events[1].time, 0.5);
    EXPECT_EQ(read->events[2].data, "root\r\n# ");
    EXPECT_DOUBLE_EQ(read->events[3].time, 0.6);
    EXPECT_EQ(read->events[3].data, "bad \xef\xbf\xbd\xef\xbf\xbd bytes"); // U+FFFD for what is not UTF-8
}

TEST(CastRecorder, ASessionThatNeverLogsInLeavesNoFile) {
    TempDir dir;
    CastOptions options{dir.path.string(), 64 * 1024};
    CastRecorder cast(options, "00000000000000c2", "telnet", Clock::now(), 0);
    for (int i = 0; i < 1000; ++i) {
        cast.output("login: ", Clock::now()); // more than kHoldBytes: held back, then cut
        cast.input("admin\r", Clock::now());
    }
    EXPECT_LE(cast.heapBytes(), CastRecorder::kHoldBytes * 2);
    CastCounters counters;
    cast.finish(counters);
    EXPECT_FALSE(fs::exists(cast.path()));
    EXPECT_EQ(counters.casts, 0u);
}

TEST(CastRecorder, IsCutAtItsBoundAndTheCutIsCounted) {
    TempDir dir;
    CastOptions options{dir.path.string(), 4096};
    CastRecorder cast(options, "00000000000000c3", "telnet", Clock::now(), 0);
    cast.keep();
    const std::string screen(100, 'x');
    for (int i = 0; i < 200; ++i) {
        cast.output(screen, Clock::now());
    }
    CastCounters counters;
    cast.finish(counters);
    EXPECT_EQ(counters.cut, 1u);
    const auto size = fs::file_size(cast.path());
    EXPECT_LE(size, 4096u + 128u) << "the bound plus the line saying it was cut";
    auto read = readCast(cast.path());
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_NE(read->events.back().data.find("recording cut"), std::string::npos);
}

TEST(CastRecorder, AnIdleSessionHoldsLessThanOneKiB) {
    TempDir dir;
    CastOptions options{dir.path.string(), 256 * 1024};
    CastRecorder cast(options, "00000000000000c4", "telnet 198.51.100.7", Clock::now(), 0);
    // What an idle logged-in session recorded: negotiation-free greeting, login, banner, prompt.
    cast.output("TL-WR841N login: ", Clock::now());
    cast.input("admin\r\n", Clock::now());
    cast.output("admin\r\nPassword: ", Clock::now());
    cast.input("admin\r\n", Clock::now());
    cast.output("\r\n\r\n\r\nBusyBox v1.19.4 (2015-03-30 11:50:06 CST) built-in shell (ash)\r\nEnter 'help' for a "
                "list of built-in commands.\r\n\r\nroot@TL-WR841N:~# ",
                Clock::now());
    cast.keep();
    EXPECT_LT(sizeof(CastRecorder) + cast.heapBytes(), 1024u);
}

TEST(CastReader, RefusesWhatIsNoCast) {
    TempDir dir;
    const auto path = (dir.path / "x.cast").string();
    std::ofstream(path) << "{\"version\": 1}\n";
    EXPECT_FALSE(readCast(path).has_value());
    std::ofstream(path) << "{\"version\": 2}\n[0.1, \"o\"]\n";
    auto bad = readCast(path);
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(readCast((dir.path / "missing.cast").string()).has_value());
}

} // namespace
} // namespace kansoku::honeypot

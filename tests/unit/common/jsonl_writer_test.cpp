#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/jsonl_writer.h"
#include "temp_dir.h"

namespace kansoku {
namespace {

using testing::TempDir;

Event numbered(int n) {
    Event e;
    e.type = "darknet.port_stats";
    e.ts = 1'714'564'800LL * kMicrosPerSecond;
    e.sensor = "local";
    e.add("proto", "udp");
    e.add("port", n);
    e.add("minute", formatRfc3339(e.ts));
    e.add("packets", 1);
    e.add("sources", 1);
    return e;
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(JsonlWriter, WritesOneLinePerEvent) {
    TempDir dir;
    const std::string path = dir.file("events.jsonl");
    auto writer = JsonlWriter::openAppend(path);
    ASSERT_TRUE(writer) << writer.error().message;
    (*writer)->publish(numbered(1));
    (*writer)->publish(numbered(2));
    ASSERT_TRUE((*writer)->flush());
    EXPECT_EQ(readAll(path), numbered(1).toJsonLine() + "\n" + numbered(2).toJsonLine() + "\n");
}

TEST(JsonlWriter, AppendsToAnExistingFile) {
    TempDir dir;
    const std::string path = dir.file("events.jsonl");
    {
        std::ofstream out(path);
        out << "{\"earlier\":true}\n";
    }
    for (int run = 1; run <= 2; ++run) {
        auto writer = JsonlWriter::openAppend(path);
        ASSERT_TRUE(writer) << writer.error().message;
        (*writer)->publish(numbered(run));
        // No flush: closing the writer (destructor) must still write everything.
    }
    const auto lines = readLines(path);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0], "{\"earlier\":true}");
    EXPECT_EQ(lines[1], numbered(1).toJsonLine());
    EXPECT_EQ(lines[2], numbered(2).toJsonLine());
}

TEST(JsonlWriter, UnwritablePathIsAnErrorNamingIt) {
    TempDir dir;
    const std::string missing_dir = dir.file("no/such/dir/events.jsonl");
    const auto writer = JsonlWriter::openAppend(missing_dir);
    ASSERT_FALSE(writer);
    EXPECT_EQ(writer.error().message, "events file " + missing_dir + ": No such file or directory");

    const auto directory = JsonlWriter::openAppend(dir.path().string());
    ASSERT_FALSE(directory);
    EXPECT_NE(directory.error().message.find(dir.path().string()), std::string::npos) << directory.error().message;
    EXPECT_EQ(directory.error().message.find('\n'), std::string::npos);
}

TEST(JsonlWriter, WriteFailureIsReportedByFlush) {
    if (!std::ifstream("/dev/full")) {
        GTEST_SKIP() << "/dev/full is not available";
    }
    auto writer = JsonlWriter::openAppend("/dev/full");
    ASSERT_TRUE(writer) << writer.error().message;
    (*writer)->publish(numbered(1));
    const auto flushed = (*writer)->flush();
    ASSERT_FALSE(flushed);
    EXPECT_NE(flushed.error().message.find("/dev/full"), std::string::npos) << flushed.error().message;
}

} // namespace
} // namespace kansoku

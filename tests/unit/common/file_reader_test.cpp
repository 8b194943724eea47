#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/file_reader.h"
#include "support/temp_dir.h"

namespace kansoku {
namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(FileReader, ReadsTheWholeFileUpToTheLimit) {
    testing::TempDir dir;
    std::string bytes(200'000, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<char>(i * 7);
    }
    writeFile(dir.file("a"), bytes);
    auto text = readFileBounded(dir.file("a"), bytes.size());
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, bytes);
    writeFile(dir.file("empty"), "");
    auto empty = readFileBounded(dir.file("empty"), 0);
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->empty());
}

TEST(FileReader, RefusesAFileOverTheLimit) {
    testing::TempDir dir;
    writeFile(dir.file("a"), "12345");
    auto text = readFileBounded(dir.file("a"), 4);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().message, dir.file("a") + ": 5 bytes, more than the 4-byte limit");
}

TEST(FileReader, AProcFileWhoseSizeReadsZeroIsStillBounded) {
    auto cmdline = readFileBounded("/proc/self/status", 1 << 20);
    ASSERT_TRUE(cmdline) << cmdline.error().message;
    EXPECT_NE(cmdline->find("Pid:"), std::string::npos);
    auto capped = readFileBounded("/proc/self/status", 16);
    ASSERT_FALSE(capped);
    EXPECT_EQ(capped.error().message, "/proc/self/status: more than the 16-byte limit");
}

TEST(FileReader, MissingDirectoryAndSymlinkErrorsNameThePath) {
    testing::TempDir dir;
    auto missing = readFileBounded(dir.file("absent"), 100);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, dir.file("absent") + ": cannot be read: No such file or directory");
    auto directory = readFileBounded(dir.path(), 100);
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.error().message, dir.path().string() + ": not a regular file");

    writeFile(dir.file("target"), "x");
    std::filesystem::create_symlink(dir.file("target"), dir.file("link"));
    auto followed = readFileBounded(dir.file("link"), 100);
    ASSERT_TRUE(followed) << followed.error().message;
    EXPECT_EQ(*followed, "x");
    auto refused = readFileBounded(dir.file("link"), 100, Symlinks::Refuse);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(dir.file("link") + ": cannot be read: "), std::string::npos);
}

} // namespace
} // namespace kansoku

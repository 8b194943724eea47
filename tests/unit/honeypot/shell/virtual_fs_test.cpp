#include <gtest/gtest.h>

#include "honeypot/shell/virtual_fs.h"
#include "persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

TEST(VirtualFsTest, ResolvesPaths) {
    VirtualFs fs(testing::routerPersona(), FsLimits{});
    EXPECT_EQ(fs.resolve("/tmp", "x"), "/tmp/x");
    EXPECT_EQ(fs.resolve("/tmp", "../var//run/./y"), "/var/run/y");
    EXPECT_EQ(fs.resolve("/", "../../.."), "/");
    EXPECT_EQ(fs.resolve("/tmp", "/a/"), "/a");
    EXPECT_FALSE(fs.resolve("/", std::string(300, 'a')));
}

TEST(VirtualFsTest, CopyOnWriteLeavesThePersonaAlone) {
    const auto persona = testing::routerPersona();
    VirtualFs a(persona, FsLimits{});
    VirtualFs b(persona, FsLimits{});
    EXPECT_EQ(a.write("/etc/passwd", "x\n", true), FsStatus::Ok);
    EXPECT_EQ(a.read("/etc/passwd")->substr(0, 5), "root:");
    EXPECT_EQ(a.read("/etc/passwd")->back(), '\n');
    EXPECT_NE(a.read("/etc/passwd"), b.read("/etc/passwd"));
    EXPECT_EQ(*b.read("/etc/passwd"), persona->files.at("/etc/passwd").content);
    EXPECT_EQ(a.remove("/etc", true), FsStatus::Ok);
    EXPECT_FALSE(a.stat("/etc/passwd"));
    EXPECT_TRUE(b.stat("/etc/passwd"));
    // Re-created, the directory is empty: the persona's files stay hidden.
    EXPECT_EQ(a.makeDirectory("/etc"), FsStatus::Ok);
    EXPECT_TRUE(a.list("/etc").empty());
    EXPECT_FALSE(a.read("/etc/passwd"));
}

TEST(VirtualFsTest, ErrorsOfOrdinaryUse) {
    VirtualFs fs(testing::routerPersona(), FsLimits{});
    EXPECT_EQ(fs.write("/nope/x", "a", false), FsStatus::NotFound);
    EXPECT_EQ(fs.write("/tmp", "a", false), FsStatus::IsDirectory);
    EXPECT_EQ(fs.write("/etc/passwd/x", "a", false), FsStatus::NotDirectory);
    EXPECT_EQ(fs.makeDirectory("/tmp"), FsStatus::Exists);
    EXPECT_EQ(fs.remove("/tmp", false), FsStatus::IsDirectory);
    EXPECT_EQ(fs.remove("/tmp/none", true), FsStatus::NotFound);
    ASSERT_EQ(fs.write("/tmp/a", "1", false), FsStatus::Ok);
    EXPECT_EQ(fs.write("/tmp-b", "1", false), FsStatus::Ok); // sorts between "/tmp" and "/tmp/a"
    EXPECT_EQ(*fs.read("/tmp/a"), "1");
    EXPECT_EQ(fs.remove("/tmp-b", false), FsStatus::Ok);
    EXPECT_TRUE(fs.stat("/tmp/a"));
}

TEST(VirtualFsTest, RemoveTakesOnlyTheSubtree) {
    VirtualFs fs(testing::routerPersona(), FsLimits{});
    ASSERT_EQ(fs.makeDirectory("/tmp/d"), FsStatus::Ok);
    ASSERT_EQ(fs.write("/tmp/d/x", "12345", false), FsStatus::Ok);
    ASSERT_EQ(fs.write("/tmp/d-sibling", "abc", false), FsStatus::Ok);
    EXPECT_EQ(fs.overlayBytes(), 8U);
    EXPECT_EQ(fs.remove("/tmp/d", true), FsStatus::Ok);
    EXPECT_FALSE(fs.stat("/tmp/d/x"));
    EXPECT_TRUE(fs.stat("/tmp/d-sibling"));
    EXPECT_EQ(fs.overlayBytes(), 3U);
    EXPECT_EQ(fs.list("/tmp"), std::vector<std::string>{"d-sibling"});
}

TEST(VirtualFsTest, LimitsBoundEveryWrite) {
    FsLimits limits;
    limits.max_file_bytes = 10;
    limits.max_total_bytes = 15;
    limits.max_entries = 3;
    VirtualFs fs(testing::routerPersona(), limits);
    EXPECT_EQ(fs.write("/tmp/a", std::string(12, 'a'), false), FsStatus::FileTooLarge);
    EXPECT_EQ(fs.read("/tmp/a")->size(), 10U); // what fitted was kept
    EXPECT_EQ(fs.write("/tmp/b", std::string(8, 'b'), false), FsStatus::NoSpace);
    EXPECT_EQ(fs.read("/tmp/b")->size(), 5U);
    EXPECT_EQ(fs.overlayBytes(), 15U);
    EXPECT_EQ(fs.write("/tmp/c", "", false), FsStatus::Ok);
    EXPECT_EQ(fs.write("/tmp/d", "", false), FsStatus::TooManyFiles);
    EXPECT_EQ(fs.overlayEntries(), 3U);
    EXPECT_EQ(fs.remove("/tmp/a", false), FsStatus::Ok);
    EXPECT_EQ(fs.overlayBytes(), 5U);
    EXPECT_EQ(fs.write("/tmp/d", "", false), FsStatus::Ok);
}

} // namespace
} // namespace kansoku::honeypot::shell

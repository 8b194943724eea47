#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "intel/warning_list.h"
#include "temp_dir.h"

namespace kansoku::intel {
namespace {

constexpr std::string_view kGood = R"({
  "description": "Scanners of the test",
  "list": ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7"],
  "matching_attributes": ["ip-src", "ip-dst"],
  "name": "Test scanners",
  "type": "cidr",
  "version": 26081010
})";

void writeFile(const std::string& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

TEST(WarningList, ParsesAWellFormedList) {
    auto list = parseWarningList(kGood, "test-nt-scanning", "test");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ(list->file_id, "test-nt-scanning");
    EXPECT_EQ(list->name, "Test scanners");
    EXPECT_EQ(list->description, "Scanners of the test");
    EXPECT_EQ(list->version, 26081010);
    EXPECT_EQ(list->type, "cidr");
    EXPECT_EQ(list->entries, (std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32", "198.51.100.7"}));
    EXPECT_EQ(list->matching_attributes, (std::vector<std::string>{"ip-src", "ip-dst"}));
}

TEST(WarningList, MatchingAttributesAreOptionalAndUnknownMembersIgnored) {
    auto list = parseWarningList(
        R"({"name":"n","description":"d","type":"string","version":1,"list":[],"new_upstream_field":{"x":1}})", "s",
        "test");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_TRUE(list->entries.empty());
    EXPECT_TRUE(list->matching_attributes.empty());
    EXPECT_EQ(list->type, "string");
}

struct BadCase {
    const char* json;
    const char* reason; ///< a fragment the one-line error must contain
};

TEST(WarningList, HostileInputIsOneLineNamingFileAndProblem) {
    const BadCase cases[] = {
        {"", "not JSON"},
        {"{", "not JSON"},
        {"[1,2,3]", "top level is not an object"},
        {"\"cidr\"", "top level is not an object"},
        {R"({"description":"d","type":"cidr","version":1,"list":[]})", "missing \"name\""},
        {R"({"name":"n","type":"cidr","version":1,"list":[]})", "missing \"description\""},
        {R"({"name":"n","description":"d","version":1,"list":[]})", "missing \"type\""},
        {R"({"name":"n","description":"d","type":"cidr","list":[]})", "missing \"version\""},
        {R"({"name":"n","description":"d","type":"cidr","version":1})", "missing \"list\""},
        {R"({"name":7,"description":"d","type":"cidr","version":1,"list":[]})", "\"name\" is not a string"},
        {R"({"name":"n","description":"d","type":"ipset","version":1,"list":[]})", "unknown type 'ipset'"},
        {R"({"name":"n","description":"d","type":"cidr","version":1.5,"list":[]})", "not an integer"},
        {R"({"name":"n","description":"d","type":"cidr","version":"1","list":[]})", "not an integer"},
        {R"({"name":"n","description":"d","type":"cidr","version":18446744073709551615,"list":[]})", "out of range"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":"192.0.2.0/24"})",
         "\"list\" is not an array"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":["192.0.2.0/24",3]})",
         "\"list\" entry 1 is not a string"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":[null]})", "entry 0 is not a string"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":[["192.0.2.0/24"]]})", "nested deeper"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":[],"matching_attributes":[1]})",
         "\"matching_attributes\" entry 0 is not a string"},
        {"{\"name\":\"\xff\xfe\",\"description\":\"d\",\"type\":\"cidr\",\"version\":1,\"list\":[]}", "not JSON"},
        {R"({"name":"n","description":"d","type":"cidr","version":1,"list":[]} trailing)", "not JSON"},
    };
    for (const auto& c : cases) {
        auto list = parseWarningList(c.json, "bad", "lists/bad/list.json");
        ASSERT_FALSE(list) << c.json;
        const std::string& message = list.error().message;
        EXPECT_NE(message.find("lists/bad/list.json"), std::string::npos) << message;
        EXPECT_NE(message.find(c.reason), std::string::npos) << "want '" << c.reason << "' in: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(WarningList, DeepNestingIsRefusedWithoutRecursion) {
    std::string deep = R"({"name":"n","description":"d","type":"cidr","version":1,"list":[],"x":)";
    deep += std::string(200000, '[') + std::string(200000, ']') + "}";
    auto list = parseWarningList(deep, "deep", "deep.json");
    ASSERT_FALSE(list);
    EXPECT_NE(list.error().message.find("nested deeper"), std::string::npos) << list.error().message;
}

TEST(WarningList, LongParserMessagesAreCut) {
    std::string junk = "{\"name\":\"" + std::string(10000, 'a') + "\x01\"}";
    auto list = parseWarningList(junk, "junk", "junk.json");
    ASSERT_FALSE(list);
    EXPECT_LT(list.error().message.size(), 300u) << list.error().message;
    EXPECT_EQ(list.error().message.find('\x01'), std::string::npos);
}

TEST(WarningList, LoadsAFileAndTakesItsFolderAsId) {
    testing::TempDir dir;
    std::filesystem::create_directory(dir.path() / "example-nt-scanning");
    const std::string path = dir.file("example-nt-scanning/list.json");
    writeFile(path, kGood);
    auto list = loadWarningList(path);
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ(list->file_id, "example-nt-scanning");
    EXPECT_EQ(list->entries.size(), 3u);
}

TEST(WarningList, RefusesMissingOddAndOversizedFiles) {
    testing::TempDir dir;
    auto missing = loadWarningList(dir.file("nope/list.json"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nope/list.json"), std::string::npos) << missing.error().message;

    auto directory = loadWarningList(dir.path().string());
    ASSERT_FALSE(directory);
    EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos) << directory.error().message;

    // A sparse file one byte over the limit: refused from its size, before any of it is read.
    const std::string big = dir.file("big.json");
    const int fd = ::open(big.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kMaxWarningListBytes) + 1), 0);
    ::close(fd);
    auto oversized = loadWarningList(big);
    ASSERT_FALSE(oversized);
    EXPECT_NE(oversized.error().message.find("more than the"), std::string::npos) << oversized.error().message;
    EXPECT_NE(oversized.error().message.find("big.json"), std::string::npos) << oversized.error().message;

    const std::string garbage = dir.file("garbage.json");
    constexpr char kBinary[] = "\x00\x01\x02 not json";
    writeFile(garbage, std::string_view(kBinary, sizeof kBinary - 1));
    auto bad = loadWarningList(garbage);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("garbage.json: not JSON"), std::string::npos) << bad.error().message;
}

} // namespace
} // namespace kansoku::intel

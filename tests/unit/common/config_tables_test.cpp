// Arrays of tables ([[a.b]]) through ConfigVisitor: read, bounded, unknown keys named with the element's
// index, printed back as [[a.b]] and flattened key by key.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/config_printer.h"
#include "common/config_reader.h"

namespace kansoku {
namespace {

struct Feed {
    std::string name;
    int64_t pages = 10;
};

void visitConfig(ConfigVisitor& v, Feed& f) {
    v.text("name", f.name, "the feed's name");
    v.integer("pages", f.pages, 1, 100, "pages per pull");
    v.check(!f.name.empty(), "a feed needs a name");
}

struct Sharing {
    std::vector<Feed> feeds;
    bool on = true;
};

void walk(ConfigVisitor& v, Sharing& s) {
    v.section("sharing", "", [&s](ConfigVisitor& sharing) {
        sharing.boolean("on", s.on, "");
        sharing.tables("feeds", "feeds pulled", 3, s.feeds);
    });
}

Result<Sharing> read(const std::string& text) {
    Sharing s;
    auto ok = readConfig(text, "t.toml", [&s](ConfigVisitor& v) { walk(v, s); });
    if (!ok) {
        return fail(ok.error());
    }
    return s;
}

TEST(ConfigTables, ReadsEachElementWithItsDefaults) {
    auto s = read("[[sharing.feeds]]\nname = \"a\"\npages = 5\n[[sharing.feeds]]\nname = \"b\"\n");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->feeds.size(), 2U);
    EXPECT_EQ(s->feeds[0].name, "a");
    EXPECT_EQ(s->feeds[0].pages, 5);
    EXPECT_EQ(s->feeds[1].name, "b");
    EXPECT_EQ(s->feeds[1].pages, 10);
}

TEST(ConfigTables, AbsentMeansNone) {
    auto s = read("[sharing]\non = false\n");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->feeds.empty());
}

TEST(ConfigTables, ErrorsNameTheElement) {
    auto unknown = read("[[sharing.feeds]]\nname = \"a\"\n[[sharing.feeds]]\nname = \"b\"\nurl = 1\n");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown key sharing.feeds[1].url"), std::string::npos)
        << unknown.error().message;
    auto range = read("[[sharing.feeds]]\nname = \"a\"\npages = 0\n");
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message.find("sharing.feeds[0].pages = 0 is out of range"), std::string::npos);
    auto rule = read("[[sharing.feeds]]\npages = 2\n");
    ASSERT_FALSE(rule);
    EXPECT_NE(rule.error().message.find("a feed needs a name"), std::string::npos);
    auto not_tables = read("[sharing]\nfeeds = [1, 2]\n");
    ASSERT_FALSE(not_tables);
    EXPECT_NE(not_tables.error().message.find("sharing.feeds must be an array of tables"), std::string::npos);
    auto too_many = read("[[sharing.feeds]]\nname='a'\n[[sharing.feeds]]\nname='b'\n"
                         "[[sharing.feeds]]\nname='c'\n[[sharing.feeds]]\nname='d'\n");
    ASSERT_FALSE(too_many);
    EXPECT_NE(too_many.error().message.find("at most 3"), std::string::npos);
}

TEST(ConfigTables, PrintsAndFlattensEachElement) {
    Sharing s;
    s.feeds = {{"a", 5}, {"b", 10}};
    const ConfigWalk w = [&s](ConfigVisitor& v) { walk(v, s); };
    const auto flat = flattenConfig(w);
    EXPECT_EQ(flat.at("sharing.feeds[0].name"), "\"a\"");
    EXPECT_EQ(flat.at("sharing.feeds[1].pages"), "10");
    const std::string text = printConfig(w, flat);
    EXPECT_NE(text.find("[[sharing.feeds]]\n# the feed's name\nname = \"a\"  # default"), std::string::npos) << text;
    auto back = read(text);
    ASSERT_TRUE(back) << back.error().message << "\n" << text;
    ASSERT_EQ(back->feeds.size(), 2U);
    EXPECT_EQ(back->feeds[1].name, "b");
}

} // namespace
} // namespace kansoku

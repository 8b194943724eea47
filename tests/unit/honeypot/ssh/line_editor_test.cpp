#include <gtest/gtest.h>

#include "honeypot/ssh/line_editor.h"

namespace kansoku::honeypot::ssh {
namespace {

struct Fed {
    std::string echo;
    std::vector<LineEvent> events;
};

Fed feed(LineEditor& editor, std::string_view keys) {
    Fed fed;
    editor.feed(keys, fed.echo, fed.events);
    return fed;
}

TEST(LineEditorTest, CrLfAndCrLfPairsEndOneLineEach) {
    LineEditor editor(64);
    Fed fed = feed(editor, "ls\rpwd\r\nid\nuname\r");
    ASSERT_EQ(fed.events.size(), 4u);
    EXPECT_EQ(fed.events[0].text, "ls");
    EXPECT_EQ(fed.events[1].text, "pwd");
    EXPECT_EQ(fed.events[2].text, "id");
    EXPECT_EQ(fed.events[3].text, "uname");
    EXPECT_EQ(fed.echo, "ls\r\npwd\r\nid\r\nuname\r\n");
    // The LF of a CR LF split across two reads is still one line end.
    Fed next = feed(editor, "\nx\r");
    ASSERT_EQ(next.events.size(), 1u);
    EXPECT_EQ(next.events[0].text, "x");
}

TEST(LineEditorTest, BackspaceKillAndEscapeSequences) {
    LineEditor editor(64);
    Fed fed = feed(editor, "lss\x7f -l\bla\x1b[A\x1bOB\r");
    ASSERT_EQ(fed.events.size(), 1u);
    EXPECT_EQ(fed.events[0].text, "ls -la");
    EXPECT_NE(fed.echo.find("\b \b"), std::string::npos);
    Fed killed = feed(editor, "rm -rf\x15id\r");
    ASSERT_EQ(killed.events.size(), 1u);
    EXPECT_EQ(killed.events[0].text, "id");
    Fed backspace_on_empty = feed(editor, "\x7f\x7f\r");
    EXPECT_EQ(backspace_on_empty.echo, "\r\n");
}

TEST(LineEditorTest, CtrlCDiscardsTheLineAndCtrlDEndsInputOnlyWhenEmpty) {
    LineEditor editor(64);
    Fed fed = feed(editor, "wget x\x03"
                           "id\x04\r\x04ignored\r");
    ASSERT_EQ(fed.events.size(), 3u);
    EXPECT_EQ(fed.events[0].kind, LineEvent::Kind::Interrupt);
    EXPECT_EQ(fed.events[1].kind, LineEvent::Kind::Line);
    EXPECT_EQ(fed.events[1].text, "id");
    EXPECT_EQ(fed.events[2].kind, LineEvent::Kind::EndOfInput);
    EXPECT_NE(fed.echo.find("^C\r\n"), std::string::npos);
    EXPECT_TRUE(feed(editor, "more\r").events.empty());
}

TEST(LineEditorTest, OverLongLinesAreCutAndMarked) {
    LineEditor editor(8);
    Fed fed = feed(editor, std::string(100, 'a') + "\rok\r");
    ASSERT_EQ(fed.events.size(), 2u);
    EXPECT_EQ(fed.events[0].text, std::string(8, 'a'));
    EXPECT_TRUE(fed.events[0].truncated);
    EXPECT_FALSE(fed.events[1].truncated);
    EXPECT_EQ(editor.truncatedLines(), 1u);
    EXPECT_EQ(fed.echo.size(), 8u + 2 + 2 + 2);
}

TEST(LineEditorTest, ToCrLfConvertsOnlyBareLineFeeds) {
    EXPECT_EQ(toCrLf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
    EXPECT_EQ(toCrLf(""), "");
}

} // namespace
} // namespace kansoku::honeypot::ssh

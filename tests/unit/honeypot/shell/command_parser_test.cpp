#include <gtest/gtest.h>

#include "honeypot/shell/command_parser.h"

namespace kansoku::honeypot::shell {
namespace {

std::string expand(std::string_view raw) {
    return expandWord(raw, [](std::string_view name) {
        if (name == "HOME") {
            return std::string("/root");
        }
        if (name == "?") {
            return std::string("127");
        }
        return std::string();
    });
}

TEST(CommandParserTest, ListsPipelinesAndConnectors) {
    const ParsedLine p = parseCommandLine("cd /tmp || cd /var/run; wget x -O y && chmod 777 y | cat &");
    ASSERT_TRUE(p.error.empty()) << p.error;
    ASSERT_EQ(p.items.size(), 4U);
    EXPECT_EQ(p.items[0].connector, Connector::Sequence);
    EXPECT_EQ(p.items[1].connector, Connector::Or);
    EXPECT_EQ(p.items[2].connector, Connector::Sequence);
    EXPECT_EQ(p.items[3].connector, Connector::And);
    ASSERT_EQ(p.items[3].pipeline.commands.size(), 2U);
    EXPECT_EQ(p.items[3].pipeline.commands[1].words, std::vector<std::string>{"cat"});
}

TEST(CommandParserTest, Redirections) {
    const ParsedLine p = parseCommandLine("echo -ne '\\x7f' >>x 2>/dev/null <in 2>&1 >o");
    ASSERT_TRUE(p.error.empty()) << p.error;
    const auto& r = p.items.at(0).pipeline.commands.at(0).redirections;
    ASSERT_EQ(r.size(), 5U);
    EXPECT_EQ(r[0].kind, Redirection::Kind::Append);
    EXPECT_EQ(r[0].fd, 1);
    EXPECT_EQ(r[0].target, "x");
    EXPECT_EQ(r[1].fd, 2);
    EXPECT_EQ(r[1].target, "/dev/null");
    EXPECT_EQ(r[2].kind, Redirection::Kind::Input);
    EXPECT_EQ(r[3].kind, Redirection::Kind::Duplicate);
    EXPECT_EQ(r[3].target, "1");
    EXPECT_EQ(r[4].kind, Redirection::Kind::Output);
    // A redirection alone is a command (Mirai's ">dvrHelper" truncates the file).
    const ParsedLine alone = parseCommandLine(">dvrHelper");
    ASSERT_EQ(alone.items.size(), 1U);
    EXPECT_TRUE(alone.items[0].pipeline.commands[0].words.empty());
}

TEST(CommandParserTest, QuotesKeepOperatorsInWords) {
    const ParsedLine p = parseCommandLine("echo 'a;b' \"c|d\" e\\;f # g; h");
    ASSERT_TRUE(p.error.empty());
    ASSERT_EQ(p.items.size(), 1U);
    const auto& words = p.items[0].pipeline.commands[0].words;
    ASSERT_EQ(words.size(), 4U);
    EXPECT_EQ(expand(words[1]), "a;b");
    EXPECT_EQ(expand(words[2]), "c|d");
    EXPECT_EQ(expand(words[3]), "e;f");
}

TEST(CommandParserTest, SyntaxErrors) {
    EXPECT_EQ(parseCommandLine("echo 'open").error, "syntax error: unterminated quoted string");
    EXPECT_EQ(parseCommandLine("echo \"open").error, "syntax error: unterminated quoted string");
    EXPECT_EQ(parseCommandLine("| cat").error, "syntax error: unexpected \"|\"");
    EXPECT_EQ(parseCommandLine("a &&").error, "syntax error: unexpected \"end of file\"");
    EXPECT_EQ(parseCommandLine("a && || b").error, "syntax error: unexpected \"||\"");
    EXPECT_EQ(parseCommandLine("echo >").error, "syntax error: unexpected \"newline\"");
    EXPECT_TRUE(parseCommandLine("a\n\nb;").error.empty());
    EXPECT_TRUE(parseCommandLine("").items.empty());
}

TEST(CommandParserTest, ExpansionRules) {
    EXPECT_EQ(expand("$HOME/x"), "/root/x");
    EXPECT_EQ(expand("${HOME}x"), "/rootx");
    EXPECT_EQ(expand("'$HOME'"), "$HOME");
    EXPECT_EQ(expand("\"$HOME\""), "/root");
    EXPECT_EQ(expand("\"a\\\"b\\$c\\n\""), "a\"b$c\\n"); // in double quotes only \" \\ \$ \` lose the backslash
    EXPECT_EQ(expand("$?"), "127");
    EXPECT_EQ(expand("$UNSET."), ".");
    EXPECT_EQ(expand("a$"), "a$");
    EXPECT_EQ(expand("'\\x7f'"), "\\x7f"); // echo -e sees the backslash
    EXPECT_EQ(expand("\\x7f"), "x7f");     // unquoted, the shell eats it
}

TEST(CommandParserTest, LimitsAreReported) {
    ParseLimits limits;
    limits.max_words = 10;
    const ParsedLine words = parseCommandLine("a b c d e f g h i j k l", limits);
    EXPECT_TRUE(words.limit_hit);
    EXPECT_TRUE(words.items.empty());
    limits.max_words = 100;
    limits.max_commands = 3;
    const ParsedLine commands = parseCommandLine("a;b;c;d", limits);
    EXPECT_TRUE(commands.limit_hit);
    EXPECT_TRUE(parseCommandLine("a;b;c", limits).error.empty());
}

} // namespace
} // namespace kansoku::honeypot::shell

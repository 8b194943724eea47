#include <gtest/gtest.h>

#include "honeypot/shell/escapes.h"

namespace kansoku::honeypot::shell {
namespace {

std::string echoE(std::string_view text) {
    std::string out;
    appendEchoEscapes(text, out);
    return out;
}

TEST(EscapesTest, HexAndOctalGiveExactBytes) {
    EXPECT_EQ(echoE("\\x7f\\x45\\x4c\\x46"), std::string("\x7f"
                                                         "ELF"));
    EXPECT_EQ(echoE("\\x00\\xff\\xA"), std::string("\x00\xff\x0a", 3));
    EXPECT_EQ(echoE("\\0177\\0105\\0114\\0106"), std::string("\x7f"
                                                             "ELF"));
    EXPECT_EQ(echoE("\\0\\00\\000\\00000"), std::string("\0\0\0\0"
                                                        "0",
                                                        5)); // \0NNN takes three digits at most
    EXPECT_EQ(echoE("\\101\\102"), "AB");
    EXPECT_EQ(echoE("a\\tb\\nc\\\\d"), "a\tb\nc\\d");
    EXPECT_EQ(echoE("\\xZZ\\q"), "\\xZZ\\q");
    EXPECT_EQ(echoE("trailing\\"), "trailing\\");
}

TEST(EscapesTest, BackslashCStopsOutput) {
    std::string out;
    EXPECT_FALSE(appendEchoEscapes("ab\\cde", out));
    EXPECT_EQ(out, "ab");
}

TEST(EscapesTest, PrintfFormatsAndReusesTheFormat) {
    const std::string args[] = {"a", "b", "c"};
    EXPECT_EQ(formatPrintf("%s\\n", args, 3, 1000), "a\nb\nc\n");
    EXPECT_EQ(formatPrintf("\\x7f%%%d", nullptr, 0, 1000), "\x7f%0");
    EXPECT_EQ(formatPrintf("\\101", nullptr, 0, 1000), "A");
    EXPECT_EQ(formatPrintf("abcdef%s", args, 3, 10), "abcdefaabc"); // cut at max_bytes
}

} // namespace
} // namespace kansoku::honeypot::shell

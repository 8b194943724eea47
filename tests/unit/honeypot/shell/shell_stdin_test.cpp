// The shell's standard input (an SSH exec channel's input): which lines read it, which command takes
// it, and the files written from it (uploads); tee and base64.

#include <gtest/gtest.h>

#include "honeypot/shell/shell.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

TEST(ShellStdinTest, LinesThatReadStandardInput) {
    Shell shell(testing::routerPersona());
    for (const char* line : {"cat > /tmp/p3; chmod +x /tmp/p3; /tmp/p3", "dd of=/tmp/x bs=512", "tee /tmp/x",
                             "base64 -d > /tmp/x", "cd /tmp && cat >x", "head -n 5 > f", "nohup sh", "cat -",
                             "busybox cat > /tmp/y", "X=1 cat > f", "dd if=/dev/stdin of=f"}) {
        EXPECT_TRUE(shell.readsStandardInput(line)) << line;
    }
    for (const char* line :
         {"uname -a", "cat /etc/passwd", "cat < /etc/passwd > f", "echo x | cat > f", "dd if=/tmp/a of=/tmp/b",
          "sh -c 'cat'", "sh /tmp/x", "head -n 5 /etc/passwd", "base64 /etc/passwd", "cat 'unterminated"}) {
        EXPECT_FALSE(shell.readsStandardInput(line)) << line;
    }
}

TEST(ShellStdinTest, TheFirstReaderTakesAllOfItAndItsFilesAreMarked) {
    Shell shell(testing::routerPersona());
    const std::string data("\x7f"
                           "ELF\0binary\n",
                           11);
    ShellResult result = shell.run("cat > /tmp/a; cat > /tmp/b; echo hi > /tmp/c; chmod +x /tmp/a", data);
    EXPECT_EQ(shell.filesystem().read("/tmp/a").value_or(""), data);
    EXPECT_EQ(shell.filesystem().read("/tmp/b").value_or("missing"), ""); // the input was used up
    ASSERT_EQ(result.files_written.size(), 2u);                           // b is empty: not reported
    EXPECT_EQ(result.files_written[0].path, "/tmp/a");
    EXPECT_TRUE(result.files_written[0].from_stdin);
    EXPECT_EQ(result.files_written[1].path, "/tmp/c");
    EXPECT_FALSE(result.files_written[1].from_stdin);
}

TEST(ShellStdinTest, DdTeeAndBase64WriteTheBytesExactly) {
    const std::string bytes("\x00\x01\x02\xff\xfe payload \n", 15);
    {
        Shell shell(testing::routerPersona());
        ShellResult result = shell.run("dd of=/tmp/d bs=4", bytes);
        EXPECT_EQ(shell.filesystem().read("/tmp/d").value_or(""), bytes);
        EXPECT_NE(result.output.find("3+1 records in"), std::string::npos) << result.output;
        ASSERT_EQ(result.files_written.size(), 1u);
        EXPECT_TRUE(result.files_written[0].from_stdin);
    }
    {
        Shell shell(testing::routerPersona());
        ShellResult result = shell.run("tee /tmp/t /tmp/u", bytes);
        EXPECT_EQ(shell.filesystem().read("/tmp/t").value_or(""), bytes);
        EXPECT_EQ(shell.filesystem().read("/tmp/u").value_or(""), bytes);
        EXPECT_EQ(result.output, bytes); // tee copies to standard output too
    }
    {
        Shell shell(testing::routerPersona());
        // RFC 4648 section 10 vectors, and a binary round trip through the shell's own encoder.
        EXPECT_EQ(shell.run("echo Zm9vYmFy | base64 -d").output, "foobar");
        EXPECT_EQ(shell.run("echo -n foob | base64").output, "Zm9vYg==\n");
        EXPECT_EQ(shell.run("echo -n fo | base64").output, "Zm8=\n");
        shell.run("base64 -d > /tmp/b", "AAEC//4g\ncGF5bG9hZCAK\n");
        EXPECT_EQ(shell.filesystem().read("/tmp/b").value_or(""), bytes);
        ShellResult bad = shell.run("echo 'a*b' | base64 -d");
        EXPECT_NE(bad.output.find("base64: invalid input"), std::string::npos) << bad.output;
        EXPECT_EQ(bad.status, 1);
    }
}

TEST(ShellStdinTest, StdinIsCappedByTheFileLimit) {
    ShellLimits limits;
    limits.fs.max_file_bytes = 1000;
    Shell shell(testing::routerPersona(), limits);
    ShellResult result = shell.run("cat > /tmp/big", std::string(5000, 'x'));
    EXPECT_EQ(shell.filesystem().read("/tmp/big").value_or("").size(), 1000u);
    EXPECT_GT(result.limits.get(ShellLimit::FileBytes) + result.limits.get(ShellLimit::OutputBytes), 0u);
}

} // namespace
} // namespace kansoku::honeypot::shell

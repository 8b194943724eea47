#pragma once

/// Which commands attackers run, counted from the honeypot's own `honeypot.command` events (issue
/// 17): what the shell emulation must cover is measured, not guessed. `kansoku query commands`
/// prints it. Each event's `commands` field lists the simple commands a line ran (argv[0], after
/// expansion, scripts included).

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/event.h"

namespace kansoku::honeypot {

struct CommandCount {
    std::string command;   ///< argv[0] as run ("wget", "/bin/busybox", "./x")
    uint64_t runs = 0;     ///< times it ran
    uint64_t lines = 0;    ///< command lines it ran in
    uint64_t sessions = 0; ///< sessions that ran it
    uint64_t sources = 0;  ///< source addresses that ran it
};

class CommandFrequency {
public:
    /// Distinct command names kept; the runs of more names are counted in otherRuns().
    explicit CommandFrequency(size_t max_commands = 4096) : max_commands_(max_commands) {}

    /// Adds one honeypot.command event (other types are ignored).
    void add(const Event& event);

    /// Most runs first, then most sessions, then by name.
    std::vector<CommandCount> table() const;

    uint64_t lines() const { return lines_; }
    uint64_t sessions() const { return all_sessions_.size(); }
    /// Runs of commands beyond max_commands distinct names (not in table()).
    uint64_t otherRuns() const { return other_runs_; }

private:
    struct Tally {
        uint64_t runs = 0;
        uint64_t lines = 0;
        std::set<uint32_t> sessions; ///< indexes into session_ids_
        std::set<uint32_t> sources;  ///< indexes into source_ids_
    };
    static uint32_t indexOf(std::map<std::string, uint32_t, std::less<>>& ids, const std::string& key);

    size_t max_commands_;
    std::map<std::string, Tally, std::less<>> tallies_;
    std::map<std::string, uint32_t, std::less<>> session_ids_;
    std::map<std::string, uint32_t, std::less<>> source_ids_;
    std::set<uint32_t> all_sessions_;
    uint64_t lines_ = 0;
    uint64_t other_runs_ = 0;
};

} // namespace kansoku::honeypot

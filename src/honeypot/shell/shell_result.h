#pragma once

/// What one Shell::run() produced: the bytes for the terminal and the side effects a honeypot
/// records (commands, files written, download requests, execution attempts, limits hit).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::honeypot::shell {

/// Every bound the shell enforces; each refusal or cut is counted under one of these.
enum class ShellLimit : uint8_t {
    LineBytes,   ///< an input line longer than ShellLimits::max_line_bytes (cut)
    Words,       ///< too many words or commands in one line (line refused)
    Commands,    ///< more simple commands in one run than ShellLimits::max_commands_per_run
    ScriptDepth, ///< sh -c / sh FILE / | sh nested deeper than ShellLimits::max_script_depth
    OutputBytes, ///< terminal output of one run cut at ShellLimits::max_output_bytes
    PathLength,  ///< a path longer than FsLimits::max_path_length
    Files,       ///< overlay entries at FsLimits::max_entries
    FileBytes,   ///< one file at FsLimits::max_file_bytes (write cut)
    TotalBytes,  ///< all files at FsLimits::max_total_bytes (write cut)
    Variables,   ///< variable table full or value too long
    Globs,       ///< a glob matched or visited more than ShellLimits::max_glob_matches / _entries (cut)
    HereDocs,    ///< a here-document without its end line (the rest of the text was its body)
    Expansion,   ///< `$((...))` errors (syntax, divide by zero): the command was not run
    Count_
};

std::string_view shellLimitName(ShellLimit limit);

struct LimitCounts {
    std::array<uint64_t, static_cast<size_t>(ShellLimit::Count_)> counts{};

    void add(ShellLimit limit, uint64_t n = 1) { counts[static_cast<size_t>(limit)] += n; }
    uint64_t get(ShellLimit limit) const { return counts[static_cast<size_t>(limit)]; }
    uint64_t total() const;
    void merge(const LimitCounts& other);
};

/// A simple command as run, after expansion (for honeypot.command events).
struct CommandRecord {
    std::vector<std::string> argv;
    int status = 0;
};

/// A URL an attacker asked wget/curl/tftp/ftpget to fetch. Nothing is fetched by the shell: the
/// bytes the session layer fetched (SessionState::fetched) are written to output_path ("-" for
/// standard output); without them an empty placeholder keeps `chmod 777 x; ./x` going.
struct DownloadRequest {
    std::string url;
    std::string tool;        ///< "wget", "curl", "tftp", "ftpget"
    std::string output_path; ///< absolute, or "-"
    bool known = false;      ///< the URL was in SessionState::fetched: already requested in this line
};

/// An attempt to run a file that the session dropped (`./x telnet.arm`). Never executed.
struct ExecutionAttempt {
    std::string path; ///< absolute
    std::vector<std::string> argv;
};

/// A file whose bytes changed during the run, with its whole content at the end of the run (a
/// loader writing in chunks yields one per run; the last one is the complete file).
struct FileWrite {
    std::string path;
    std::string content;
    bool from_stdin = false; ///< written by a command that read the session's standard input (an SSH upload)
};

struct ShellResult {
    std::string output;          ///< terminal bytes, "\n" line ends (the telnet layer turns them into "\r\n")
    int status = 0;              ///< $? after the line
    bool exit_requested = false; ///< `exit` / `logout`
    bool continuation = false;   ///< a here-document is open: the next lines are its body (prompt "> ")
    /// The run stopped at a download not fetched yet (SessionState::wait_for_downloads): the last
    /// DownloadRequest is it. The session restores the state from before the run, fetches, and runs
    /// the line again; nothing else of this result counts.
    bool blocked = false;
    std::vector<CommandRecord> commands;
    std::vector<FileWrite> files_written;
    std::vector<DownloadRequest> downloads;
    std::vector<ExecutionAttempt> executions;
    LimitCounts limits; ///< limits hit during this run
};

} // namespace kansoku::honeypot::shell

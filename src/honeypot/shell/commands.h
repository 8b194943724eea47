#pragma once

/// The table of emulated commands (ash builtins and BusyBox applets) and what they share: the
/// session's state and one command's standard input, output and error.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "honeypot/shell/command_parser.h"
#include "honeypot/shell/persona.h"
#include "honeypot/shell/shell_result.h"
#include "honeypot/shell/virtual_fs.h"

namespace kansoku::honeypot::shell {

struct ShellLimits {
    FsLimits fs;
    ParseLimits parse;
    size_t max_line_bytes = 64 << 10;   ///< longer input lines are cut
    size_t max_output_bytes = 64 << 10; ///< terminal output of one run
    size_t max_commands_per_run = 512;  ///< simple commands, scripts included
    size_t max_script_depth = 4;        ///< nested sh -c / sh FILE / | sh
    size_t max_variables = 32;
    size_t max_variable_bytes = 1024;
    size_t max_glob_matches = 256;  ///< words one glob expands to
    size_t max_glob_entries = 4096; ///< directory entries one glob looks at
};

/// Everything a session's shell keeps between lines.
struct SessionState {
    SessionState(std::shared_ptr<const Persona> persona_in, const ShellLimits& limits_in);

    std::shared_ptr<const Persona> persona;
    ShellLimits limits;
    VirtualFs fs;
    std::string cwd;
    int last_status = 0;
    std::vector<std::pair<std::string, std::string>> variables; ///< set by NAME=value
    LimitCounts totals;                                         ///< every limit hit in the session
    std::string pending_heredoc; ///< lines of an interactive here-document so far (ends at its delimiter)
    /// What the attacker "started" (dropped ELF files for this CPU, `./x &`): pid -> command line,
    /// shown by ps after the persona's processes until killed. At most kMaxStarted.
    std::vector<std::pair<int, std::string>> started;
    int next_pid = 1403;
    static constexpr size_t kMaxStarted = 32;

    /// What the session layer fetched for the line being run (a URL as wget/curl/tftp/ftpget asked
    /// for it -> outcome), kept across the runs of one line and cleared after it.
    struct Fetched {
        enum class State : uint8_t { Pending, Ok, Failed, TimedOut } state = State::Pending;
        std::string bytes;
        uint16_t http_status = 0;
    };
    std::map<std::string, Fetched, std::less<>> fetched;
    /// Set by the session layer while it can wait: a download whose URL is not in `fetched` stops
    /// the run (ShellResult::blocked) so the line runs again once the bytes are there.
    bool wait_for_downloads = false;
};

/// One command's run: its input, its output and error, and the run's side effects.
struct CommandContext {
    SessionState& state;
    ShellResult& result;
    std::set<std::string>& written_paths; ///< files changed in this run
    std::string_view input;               ///< standard input (a pipe or `<`)
    std::string out;
    std::string err;
    /// Runs shell text (sh -c, sh FILE, | sh) one level deeper; returns its status.
    std::function<int(std::string_view script, CommandContext& ctx)> run_script;
    /// Set when this command reads the session's standard input (Shell::run with stdin): the files
    /// it writes are uploads (FileWrite::from_stdin).
    std::set<std::string>* stdin_paths = nullptr;

    const Persona& persona() const { return *state.persona; }
    /// Absolute path for an argument, or empty (and "File name too long" counted) when too long.
    std::string resolve(std::string_view path);
    /// Writes through the filesystem, counting limits and remembering the path for FileWrite.
    FsStatus writeFile(const std::string& path, std::string_view data, bool append);
    /// Removes through the filesystem. A file written in this run is reported (FileWrite) with its
    /// content first, so a loader that deletes what it dropped (`./.d; rm .d`) still yields it.
    FsStatus removePath(const std::string& path, bool recursive);
    /// Counts a limit status (no-op for ordinary statuses).
    void countStatus(FsStatus status);
    /// "applet: text\n" on standard error.
    void error(std::string_view applet, std::string_view text);
    /// Appends to standard output up to the per-command cap (FsLimits::max_file_bytes + 1: a pipe
    /// never holds more than a file may, and a redirection of it still reports the file limit);
    /// false (and the limit counted) when cut.
    bool print(std::string_view bytes);
};

/// A command: argv[0] is its name. Returns the exit status.
using CommandFn = int (*)(CommandContext& ctx, const std::vector<std::string>& argv);

struct CommandEntry {
    std::string_view name;
    CommandFn fn;
    bool builtin; ///< an ash builtin: there whatever the persona's applet list says
};

/// The command named `name`, or nullptr.
const CommandEntry* findCommand(std::string_view name);

// The command families (commands_*.cpp); the table in commands.cpp lists them.
int cmdEcho(CommandContext&, const std::vector<std::string>&);
int cmdPrintf(CommandContext&, const std::vector<std::string>&);
int cmdCd(CommandContext&, const std::vector<std::string>&);
int cmdPwd(CommandContext&, const std::vector<std::string>&);
int cmdTrue(CommandContext&, const std::vector<std::string>&);
int cmdFalse(CommandContext&, const std::vector<std::string>&);
int cmdExit(CommandContext&, const std::vector<std::string>&);
int cmdUname(CommandContext&, const std::vector<std::string>&);
int cmdPs(CommandContext&, const std::vector<std::string>&);
int cmdId(CommandContext&, const std::vector<std::string>&);
int cmdWhoami(CommandContext&, const std::vector<std::string>&);
int cmdHostname(CommandContext&, const std::vector<std::string>&);
int cmdCat(CommandContext&, const std::vector<std::string>&);
int cmdCp(CommandContext&, const std::vector<std::string>&);
int cmdMv(CommandContext&, const std::vector<std::string>&);
int cmdRm(CommandContext&, const std::vector<std::string>&);
int cmdChmod(CommandContext&, const std::vector<std::string>&);
int cmdMkdir(CommandContext&, const std::vector<std::string>&);
int cmdTouch(CommandContext&, const std::vector<std::string>&);
int cmdLs(CommandContext&, const std::vector<std::string>&);
int cmdGrep(CommandContext&, const std::vector<std::string>&);
int cmdHead(CommandContext&, const std::vector<std::string>&);
int cmdDd(CommandContext&, const std::vector<std::string>&);
int cmdWget(CommandContext&, const std::vector<std::string>&);
int cmdCurl(CommandContext&, const std::vector<std::string>&);
int cmdTftp(CommandContext&, const std::vector<std::string>&);
int cmdFtpget(CommandContext&, const std::vector<std::string>&);
int cmdTee(CommandContext&, const std::vector<std::string>&);
int cmdBase64(CommandContext&, const std::vector<std::string>&);
int cmdTail(CommandContext&, const std::vector<std::string>&);
int cmdSed(CommandContext&, const std::vector<std::string>&);
int cmdAwk(CommandContext&, const std::vector<std::string>&);
int cmdKill(CommandContext&, const std::vector<std::string>&);
int cmdTest(CommandContext&, const std::vector<std::string>&);

/// True when the command (after expansion) reads its standard input: `cat` or `cat -`, `dd` without
/// `if=`, `tee`, `base64 [-d]`, `head`/`tail` without a file, `sh` without a script (also behind
/// `nohup`, `exec`, `busybox`).
bool readsStandardInput(const std::vector<std::string>& argv);

} // namespace kansoku::honeypot::shell

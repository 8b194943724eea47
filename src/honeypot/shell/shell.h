#pragma once

/// The emulated BusyBox shell of one honeypot session (telnet or SSH). Pure logic: run() takes one
/// command line and returns the terminal output and side effects; nothing touches the host, nothing
/// is fetched or executed. Memory: the persona is shared, the session holds only its overlay
/// (bounded by ShellLimits::fs) and a few strings.

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "honeypot/shell/commands.h"
#include "honeypot/shell/compound.h"
#include "honeypot/shell/persona.h"
#include "honeypot/shell/shell_result.h"

namespace kansoku::honeypot::shell {

class Shell {
public:
    explicit Shell(std::shared_ptr<const Persona> persona, ShellLimits limits = {});

    /// Runs one command line (without its line end; embedded newlines separate commands).
    ShellResult run(std::string_view line);
    /// The same with `stdin_data` as the shell's standard input (an SSH exec channel's input, read to
    /// its end): the first command that reads standard input without a pipe or `<` takes all of it
    /// (readsStandardInput), and the files it writes come back with FileWrite::from_stdin.
    ShellResult run(std::string_view line, std::string_view stdin_data);

    /// True when running `line` would read the shell's standard input: a pipeline starts with a
    /// command that reads it (`cat > f`, `dd of=f`, `tee f`, `base64 -d > f`, bare `sh`) and no `<`.
    /// An SSH exec request with such a line waits for the channel's input before running.
    bool readsStandardInput(std::string_view line) const;

    /// The prompt to show before the next line ({user}, {hostname}, {cwd} substituted; ~ for home).
    std::string prompt() const;

    /// Puts bytes at a path (e.g. what the downloader fetched for a DownloadRequest), bounded like
    /// any write, so a later `./x` or `sh x` sees them. The result is not reported as a FileWrite.
    FsStatus provideFile(std::string_view path, std::string_view bytes);

    /// Fetching before `wget` returns (issue 17): with waiting on, a run that meets a URL not in
    /// fetched() stops there (ShellResult::blocked); the session restores the state saved before
    /// the run, fetches, records the outcome with setFetched() and runs the line again.
    void setWaitForDownloads(bool wait) { state_.wait_for_downloads = wait; }
    void setFetched(const std::string& url, SessionState::Fetched outcome) {
        state_.fetched.insert_or_assign(url, std::move(outcome));
    }
    std::map<std::string, SessionState::Fetched, std::less<>>& fetched() { return state_.fetched; }
    SessionState saveState() const { return state_; }
    /// Back to a state saveState() returned; what was fetched for the line (and waiting) stays.
    void restoreState(SessionState saved);

    const std::string& cwd() const { return state_.cwd; }
    const VirtualFs& filesystem() const { return state_.fs; }
    /// For transfers that bypass the command line (SCP, SFTP): bounded like every write.
    VirtualFs& mutableFilesystem() { return state_.fs; }
    const Persona& persona() const { return *state_.persona; }
    /// Every limit hit since the session started.
    const LimitCounts& limitTotals() const { return state_.totals; }

private:
    struct Run; // one run()'s bookkeeping (shell.cpp)

    ShellResult runWith(Run& run, std::string_view line);
    int runLine(Run& run, std::string_view line, int depth);
    int runPipeline(Run& run, const Pipeline& pipeline, int depth);
    struct Redirects; // a simple command's stdout/stderr targets and input file (shell.cpp)
    /// Runs one simple command: expands its words, opens its redirections, dispatches, delivers output.
    int runSimple(Run& run, const SimpleCommand& command, std::string_view input, std::string& out, int depth,
                  bool pipeline_head);
    /// The command's words after expansion; leading assignments alone (no command) are applied.
    std::vector<std::string> expandArguments(Run& run, const SimpleCommand& command, int depth);
    /// `$(...)` and backquotes run one level deeper; `$((...))` errors are reported and counted.
    ExpansionHooks expansionHooks(Run& run, int depth);
    /// The paths a glob matches in the session's filesystem, sorted, in the form it was written
    /// (relative stays relative); empty when none (the word then stays as it is). Bounded.
    std::vector<std::string> expandGlob(Run& run, const std::string& pattern);
    /// Opens the redirections in order; on a failure prints ash's message and returns false.
    bool openRedirections(Run& run, const SimpleCommand& command, Redirects& redirects);
    /// The command's stdout and stderr to the shell's output or the redirected files (output capped).
    void deliverOutput(Run& run, CommandContext& ctx, const Redirects& redirects, std::string& out);
    int dispatch(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth);
    int runApplet(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth);
    int runBusybox(Run& run, CommandContext& ctx, std::vector<std::string>& argv, int depth);
    int runSh(Run& run, CommandContext& ctx, const std::vector<std::string>& argv, int depth);
    int runPath(Run& run, CommandContext& ctx, const std::vector<std::string>& argv, int depth);
    int runScript(Run& run, std::string_view script, CommandContext& ctx, int depth);
    std::string variable(std::string_view name) const;
    bool assign(Run& run, std::string_view word, const ExpansionHooks* hooks = nullptr);
    bool setVariable(Run& run, const std::string& name, std::string value);

    // Compound commands (shell_compound.cpp).
    int runCompound(Run& run, const CompoundSeq& seq, int depth);
    int runNode(Run& run, const CompoundNode& node, int depth);
    int runWhile(Run& run, const CompoundNode& node, int depth);
    /// `for` words and `case` subjects: expanded, split into fields, globs matched.
    std::vector<std::string> expandFields(Run& run, const std::vector<std::string>& raw, int depth);
    /// `read [-r] NAME...`: the next line of the enclosing `while`'s input (or of the command's own).
    int runRead(Run& run, CommandContext& ctx, const std::vector<std::string>& argv);
    /// True when `text` may hold a compound command (a cheap look for the reserved words).
    static bool mayBeCompound(std::string_view text);
    void emit(Run& run, std::string_view bytes, bool error);

    SessionState state_;
};

} // namespace kansoku::honeypot::shell

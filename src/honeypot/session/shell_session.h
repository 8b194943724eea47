#pragma once

/// The interactive part every login honeypot shares (telnet, SSH): login attempts, the emulated
/// shell, and what its commands do reported to the Collector (honeypot.login / honeypot.command
/// events, downloads, written files). The transport (telnet codec, SSH channel) feeds it lines and
/// sends back what it returns.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "honeypot/session/collector.h"
#include "honeypot/session/session_context.h"
#include "honeypot/session/upload_budget.h"
#include "honeypot/shell/shell.h"

namespace kansoku::honeypot {

class ShellSession {
public:
    ShellSession(Collector& collector, SessionContext context, std::shared_ptr<const shell::Persona> persona,
                 shell::ShellLimits limits = {}, UploadLimits upload_limits = {});

    /// The connection is open (a honeypot.connect event).
    void connected();

    /// One username/password pair tried (a honeypot.login event). `method`: "password",
    /// "keyboard-interactive" (SSH) or "" (telnet).
    void loginAttempt(std::string_view username, std::string_view password, bool success, std::string_view method = {});

    /// The text shown after a successful login: the persona's MOTD (if any) and the first prompt.
    std::string welcome() const;

    struct LineResult {
        std::string output;   ///< "\n" line ends; ends with the next prompt unless `close`
        bool close = false;   ///< exit/logout
        int status = 0;       ///< $? after the line (an SSH exec request's exit-status)
        bool waiting = false; ///< the line waits for a download (nothing else is set): see resumeLine()
    };

    /// Lets `wget`/`curl`/`tftp`/`ftpget` return only once the file is fetched (issue 17), when the
    /// collector can fetch and `wait` > 0: a line that meets a URL not fetched yet returns
    /// `waiting`; `wake` is called (on the collector's thread) when the fetch has ended, and the
    /// transport then calls resumeLine(). A fetch not ended after `wait` is given up for the line
    /// (counted in fetchTimeouts(); the download still completes in the background and the file is
    /// an empty placeholder, as without waiting). At most kMaxFetchRounds waits per line.
    void enableFetchWait(std::chrono::milliseconds wait, std::function<void()> wake);
    static constexpr size_t kMaxFetchRounds = 16;

    /// After a `waiting` result: runs the line again once its fetch ended, or `now` is past the wait
    /// (the fetch then counts as timed out). nullopt while it must still wait (or nothing waits).
    std::optional<LineResult> resumeLine(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
    bool lineWaiting() const { return pending_line_ != nullptr; }
    /// When the waiting line gives up its fetch (the transport's timer), or time_point::max().
    std::chrono::steady_clock::time_point waitDeadline() const;
    /// Lines that waited for a fetch, and fetches given up at the wait's end.
    uint64_t fetchWaits() const { return fetch_waits_; }
    uint64_t fetchTimeouts() const { return fetch_timeouts_; }
    /// Runs one command line (a honeypot.command event per line), reports downloads and files
    /// written. `interactive` = false for an SSH exec request: no prompt is appended. `stdin_data`:
    /// an SSH exec channel's input, read to its end; files a command writes from it (`cat > f`) are
    /// reported at once as uploads via "stdin", within the upload budget.
    LineResult runLine(std::string_view line, bool truncated = false, bool interactive = true,
                       std::optional<std::string_view> stdin_data = std::nullopt);

    /// A complete file the client sent over SCP or SFTP (`via` "scp" or "sftp"): within the upload
    /// budget it is put at `path` (absolute) in the session's filesystem with `mode` and reported to
    /// the collector as an upload (an empty file is only created). A refusal is the FsStatus a device
    /// would show (FileTooLarge, TooManyFiles, NoSpace, NotFound for a missing directory, ...).
    shell::FsStatus upload(const std::string& path, std::string_view content, uint32_t mode, std::string_view via);

    /// The session's filesystem, for SCP/SFTP directory operations (mkdir, rename, stat, readdir).
    shell::VirtualFs& filesystem() { return shell_.mutableFilesystem(); }
    const UploadBudget& uploads() const { return uploads_; }

    /// The session ends: files written and not yet reported (never executed) go to the collector.
    /// Idempotent; the destructor does not call it (the collector may be gone by then).
    void close();

    const SessionContext& context() const { return context_; }
    const shell::Shell& shell() const { return shell_; }
    uint32_t loginAttempts() const { return login_attempts_; }
    uint32_t commands() const { return commands_; }

private:
    /// A line stopped at a download: what to run again, from which state.
    struct PendingLine {
        std::string line;
        bool truncated = false;
        bool interactive = true;
        std::optional<std::string> stdin_data;
        shell::SessionState saved;
        size_t rounds = 0;
        std::chrono::steady_clock::time_point deadline{};
    };
    /// What fetch callbacks hold (weakly): the session may be gone when a fetch ends.
    struct FetchAnchor {
        ShellSession* session;
    };
    LineResult runPass();
    LineResult finishLine(std::string_view line, bool truncated, bool interactive, shell::ShellResult result);
    void fetchEnded(const std::string& url, const Collector::FetchResult& outcome);

    void noteWrite(shell::FileWrite write);
    void report(const std::string& path);
    /// Reports a file written from an exec channel's stdin, if the upload budget admits it.
    void reportUpload(const std::string& path, std::string_view content);

    Collector* collector_;
    SessionContext context_;
    shell::Shell shell_;
    uint32_t login_attempts_ = 0;
    uint32_t commands_ = 0;
    /// Files written and not yet reported: path -> content at the last write. A loader writes a
    /// binary in many `echo -ne ... >> f` lines; the file is reported once, whole, when it is run
    /// or the session closes (bounded like the shell's filesystem: FsLimits::max_total_bytes).
    struct Pending {
        std::string content;
        bool from_stdin = false; ///< an upload over an exec channel's stdin
    };
    std::map<std::string, Pending, std::less<>> pending_;
    size_t pending_bytes_ = 0;
    UploadBudget uploads_;
    std::chrono::milliseconds fetch_wait_{0};
    std::function<void()> wake_;
    std::unique_ptr<PendingLine> pending_line_;
    std::shared_ptr<FetchAnchor> anchor_;
    uint64_t fetch_waits_ = 0;
    uint64_t fetch_timeouts_ = 0;
};

} // namespace kansoku::honeypot

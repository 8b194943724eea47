#pragma once

/// The interactive part every login honeypot shares (telnet, SSH): login attempts, the emulated
/// shell, and what its commands do reported to the Collector (honeypot.login / honeypot.command
/// events, downloads, written files). The transport (telnet codec, SSH channel) feeds it lines and
/// sends back what it returns.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "honeypot/session/collector.h"
#include "honeypot/session/session_context.h"
#include "honeypot/shell/shell.h"

namespace kansoku::honeypot {

class ShellSession {
public:
    ShellSession(Collector& collector, SessionContext context, std::shared_ptr<const shell::Persona> persona,
                 shell::ShellLimits limits = {});

    /// The connection is open (a honeypot.connect event).
    void connected();

    /// One username/password pair tried (a honeypot.login event). `method`: "password",
    /// "keyboard-interactive" (SSH) or "" (telnet).
    void loginAttempt(std::string_view username, std::string_view password, bool success, std::string_view method = {});

    /// The text shown after a successful login: the persona's MOTD (if any) and the first prompt.
    std::string welcome() const;

    struct LineResult {
        std::string output; ///< "\n" line ends; ends with the next prompt unless `close`
        bool close = false; ///< exit/logout
        int status = 0;     ///< $? after the line (an SSH exec request's exit-status)
    };
    /// Runs one command line (a honeypot.command event per line), reports downloads and files
    /// written. `interactive` = false for an SSH exec request: no prompt is appended.
    LineResult runLine(std::string_view line, bool truncated = false, bool interactive = true);

    /// The session ends: files written and not yet reported (never executed) go to the collector.
    /// Idempotent; the destructor does not call it (the collector may be gone by then).
    void close();

    const SessionContext& context() const { return context_; }
    const shell::Shell& shell() const { return shell_; }
    uint32_t loginAttempts() const { return login_attempts_; }
    uint32_t commands() const { return commands_; }

private:
    void noteWrite(shell::FileWrite write);
    void report(const std::string& path);

    Collector* collector_;
    SessionContext context_;
    shell::Shell shell_;
    uint32_t login_attempts_ = 0;
    uint32_t commands_ = 0;
    /// Files written and not yet reported: path -> content at the last write. A loader writes a
    /// binary in many `echo -ne ... >> f` lines; the file is reported once, whole, when it is run
    /// or the session closes (bounded like the shell's filesystem: FsLimits::max_total_bytes).
    std::map<std::string, std::string, std::less<>> pending_;
    size_t pending_bytes_ = 0;
};

} // namespace kansoku::honeypot

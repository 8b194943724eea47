#pragma once

/// The telnet honeypot as a service of the session server: each connection is a TelnetSession
/// (negotiation, BusyBox login) whose attempts and command lines go to a ShellSession (the
/// persona's emulated shell, events, downloads, dropped files).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "honeypot/server/session_server.h"
#include "honeypot/session/cast_recorder.h"
#include "honeypot/session/collector.h"
#include "honeypot/session/source_attempts.h"
#include "honeypot/shell/commands.h"
#include "honeypot/shell/persona.h"
#include "honeypot/shell/shell_result.h"
#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/telnet_session.h"

namespace kansoku::honeypot::telnet {

struct TelnetServiceOptions {
    TelnetSessionConfig session;
    shell::ShellLimits shell;
    /// Sources whose login attempts are remembered across connections (SourceAttempts).
    size_t max_tracked_sources = 65536;
    /// Pause between the option negotiation and the banner/login prompt: telnetd negotiates, then
    /// login starts and prints. Clients such as hydra read them as two replies.
    std::chrono::milliseconds prompt_delay{50};
    /// Pause before "Login incorrect" (BusyBox login's LOGIN_FAIL_DELAY, 3 s). 0 turns it off.
    std::chrono::milliseconds failure_delay{3000};
    /// How long a line's wget/curl/tftp waits for its file (ShellSession::enableFetchWait); 0: not.
    std::chrono::milliseconds download_wait{10'000};
    /// Lines typed while a line waits for a download, kept to run after it; more are dropped.
    size_t max_lines_while_waiting = 64;
    /// Sessions that log in are recorded as asciinema casts here (CastRecorder); dir empty: off.
    CastOptions cast;
};

/// What the shells of closed telnet sessions counted about waiting for downloads.
struct TelnetShellCounters {
    uint64_t download_waits = 0;         ///< lines that waited for a fetch (once per fetch)
    uint64_t download_wait_timeouts = 0; ///< fetches given up at download_wait
    uint64_t lines_dropped_waiting = 0;  ///< typed-ahead lines beyond max_lines_while_waiting
};

class TelnetService {
public:
    /// The login prompt becomes "<hostname> login: " unless options set another one. `collector`,
    /// the persona and the policy must outlive every session.
    TelnetService(Collector& collector, std::shared_ptr<const shell::Persona> persona,
                  std::shared_ptr<const CredentialPolicy> policy, TelnetServiceOptions options = {});

    /// For SessionServer: one TelnetConnection per accepted connection.
    server::ProtocolFactory factory();

    /// Login attempts per source across connections (for "accept after N tries").
    SourceAttempts& attempts() { return attempts_; }
    const SourceAttempts& attempts() const { return attempts_; }

    /// Every closed session's parser counters, added up (limits hit: lines cut, floods, ...).
    const TelnetCounters& counters() const { return totals_; }
    void addCounters(const TelnetCounters& counters) { totals_ += counters; }
    const CastCounters& castCounters() const { return cast_totals_; }
    CastCounters& castCounters() { return cast_totals_; }
    const TelnetShellCounters& shellCounters() const { return shell_totals_; }
    TelnetShellCounters& shellCounters() { return shell_totals_; }

    Collector& collector() { return *collector_; }
    const std::shared_ptr<const shell::Persona>& persona() const { return persona_; }
    const CredentialPolicy& policy() const { return *policy_; }
    const TelnetServiceOptions& options() const { return options_; }

private:
    Collector* collector_;
    std::shared_ptr<const shell::Persona> persona_;
    std::shared_ptr<const CredentialPolicy> policy_;
    TelnetServiceOptions options_;
    SourceAttempts attempts_;
    TelnetCounters totals_;
    TelnetShellCounters shell_totals_;
    CastCounters cast_totals_;
};

} // namespace kansoku::honeypot::telnet

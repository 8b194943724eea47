#pragma once

/// The SSH honeypot (issue 4 item 3): libssh's server side behind the session server. Each TCP
/// connection the SessionServer accepts gets an SshProtocol that bridges its bytes to a libssh
/// session through a socketpair, so the session server's limits, timeouts and counters apply to
/// SSH as to telnet, and libssh runs non-blocking on the io_context thread (see README.md).
///
/// Wiring (the `kansoku run` / `kansoku honeypot` code):
///   auto ssh = ssh::SshService::create(config, policy, persona, collector);   // Result<unique_ptr>
///   server::SessionServer server(io, {.service = "ssh", ...}, (*ssh)->protocolFactory(), sink);
/// The service must outlive the server's sessions; policy, persona and collector must outlive it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "honeypot/server/session_server.h"
#include "honeypot/session/cast_recorder.h"
#include "honeypot/session/collector.h"
#include "honeypot/session/source_attempts.h"
#include "honeypot/session/upload_budget.h"
#include "honeypot/shell/persona.h"
#include "honeypot/shell/shell.h"
#include "honeypot/ssh/host_keys.h"
#include "honeypot/ssh/ssh_counters.h"
#include "honeypot/telnet/credential_policy.h"

struct ssh_bind_struct;

namespace kansoku::honeypot::ssh {

struct SshConfig {
    std::string host_key_dir = "var/ssh"; ///< created 0700 on first start
    std::vector<HostKeyType> host_key_types{HostKeyType::Ed25519, HostKeyType::Rsa};
    /// The identification line the server sends. Default: Dropbear as shipped on many IoT devices
    /// (OpenWrt, DVRs). A value without "SSH-2.0-" gets it prepended.
    std::string banner = "SSH-2.0-dropbear_2019.78";
    uint32_t max_auth_tries = 6; ///< failed password/keyboard-interactive/publickey attempts per connection
    /// Pause before a failed authentication's answer: Dropbear sleeps 250-350 ms (svr-auth.c), and a
    /// server that answers a wrong password at once is told apart by its timing. 0 turns it off.
    std::chrono::milliseconds failure_delay{300};
    size_t max_line_bytes = 4096; ///< an interactive line or exec command longer than this is cut
    std::string kbdint_prompt = "Password: ";
    shell::ShellLimits shell_limits;
    /// Files sent over SCP, SFTP or an exec channel's stdin, per session (docs/honeypot-uploads.md).
    UploadLimits upload_limits;
    /// How long a line's wget/curl/tftp waits for its file (ShellSession::enableFetchWait); 0: not.
    std::chrono::milliseconds download_wait{10'000};
    /// Lines typed while a line waits for a download, kept to run after it; more are dropped.
    size_t max_lines_while_waiting = 64;
    /// Shell channels recorded as asciinema casts here (CastRecorder); dir empty: off.
    CastOptions cast;
};

class SshProtocol;

class SshService {
public:
    /// Loads or generates the host keys and sets up libssh's server settings. Errors name the key
    /// file or setting.
    static Result<std::unique_ptr<SshService>> create(SshConfig config, const telnet::CredentialPolicy& policy,
                                                      std::shared_ptr<const shell::Persona> persona,
                                                      Collector& collector);
    ~SshService();
    SshService(const SshService&) = delete;
    SshService& operator=(const SshService&) = delete;

    /// For the SessionServer: one SshProtocol per connection (nullptr if set-up fails: counted).
    server::ProtocolFactory protocolFactory();

    const SshConfig& config() const { return config_; }
    const std::vector<HostKeyInfo>& hostKeys() const { return host_keys_; }
    const SshCounters& counters() const { return counters_; }
    const CastCounters& castCounters() const { return cast_counters_; }
    /// Login attempts per source across connections (for "accept after N tries").
    SourceAttempts& attempts() { return attempts_; }
    /// The banner as sent, without CR LF ("SSH-2.0-dropbear_2019.78").
    const std::string& banner() const { return banner_; }

private:
    friend class SshProtocol;
    SshService(SshConfig config, const telnet::CredentialPolicy& policy, std::shared_ptr<const shell::Persona> persona,
               Collector& collector);

    SshConfig config_;
    const telnet::CredentialPolicy* policy_;
    std::shared_ptr<const shell::Persona> persona_;
    Collector* collector_;
    std::vector<HostKeyInfo> host_keys_;
    std::string banner_;
    ssh_bind_struct* bind_ = nullptr; ///< settings and host keys every session copies
    SshCounters counters_;
    CastCounters cast_counters_;
    SourceAttempts attempts_;
};

} // namespace kansoku::honeypot::ssh

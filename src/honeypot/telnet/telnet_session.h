#pragma once

/// A telnet honeypot session as pure logic, bytes in and bytes out: the TelnetCodec under a
/// LoginFlow, and after login every command line handed to a TelnetSessionHandler (the shell)
/// whose output is written back with LF -> CR LF and 0xFF -> IAC IAC. No sockets: the session
/// server feeds what it reads and writes what feed() appends.
///
/// Memory: the session holds pointers to shared config, policy and handler, the codec's and the
/// login's small state; buffers are released after use, so a logged-in idle session holds no heap
/// (sizeof(TelnetSession) is reported by the unit tests).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/login_flow.h"
#include "honeypot/telnet/telnet_codec.h"
#include "honeypot/telnet/telnet_counters.h"
#include "honeypot/telnet/telnet_writer.h"

namespace kansoku::honeypot::telnet {

/// Per listener: shared by all its sessions; must outlive them.
struct TelnetSessionConfig {
    TelnetCodecOptions codec;
    LoginFlowOptions login;
};

enum class CommandAction : uint8_t { Continue, Close };

/// The session's consumer: the login events' sink and the shell. Called synchronously from
/// feed(); `line` views the session's buffer and is valid only during the call.
class TelnetSessionHandler {
public:
    virtual ~TelnetSessionHandler() = default;
    /// Every password read, failed or not (a honeypot.login event).
    virtual void onLoginAttempt(const LoginAttempt& attempt) = 0;
    /// After the accepted attempt: write the MOTD and the first prompt.
    virtual void onLoggedIn(const LoginAttempt& attempt, TelnetWriter& out) = 0;
    /// One command line (a honeypot.command event): write its output and the next prompt.
    virtual CommandAction onCommand(std::string_view line, bool truncated, TelnetWriter& out) = 0;
};

class TelnetSession {
public:
    /// `prior_attempts`: login attempts the source made in earlier sessions (see LoginContext).
    TelnetSession(const TelnetSessionConfig& config, const CredentialPolicy& policy, TelnetSessionHandler& handler,
                  uint32_t prior_attempts = 0);

    /// Appends the greeting (negotiation, banner, login prompt) to `out`; returns the length of the
    /// negotiation part (telnetd sends it before login prints the banner and prompt).
    size_t start(std::string& out);

    /// Reads raw client bytes; appends everything to send to `out`. Returns false once the session
    /// must close (after writing its last words, e.g. "Login incorrect"); see closeReason().
    bool feed(std::span<const uint8_t> input, std::string& out);

    /// Offsets in the last feed()'s output where a failed login's answer starts (where BusyBox's
    /// login sleeps before "Login incorrect"); at most kMaxFailurePauses per feed.
    static constexpr size_t kMaxFailurePauses = 4;
    std::span<const uint32_t> failurePauses() const { return {failure_pauses_, failure_pause_count_}; }

    /// Text the shell produces outside a command (rare): escaped like command output.
    void write(std::string_view text, std::string& out) const {
        TelnetWriter writer(out);
        writer.write(text);
    }

    bool closed() const { return codec_.closed(); }
    CloseReason closeReason() const { return codec_.closeReason(); }
    bool loggedIn() const { return login_.state() == LoginState::LoggedIn; }
    const TelnetCounters& counters() const { return codec_.counters(); }
    const TelnetCodec& codec() const { return codec_; }
    const LoginFlow& login() const { return login_; }
    /// Heap held now by the session's own buffers (not the handler's).
    size_t heapBytes() const { return codec_.heapBytes() + login_.heapBytes(); }

private:
    class Lines;

    TelnetSessionHandler* handler_;
    TelnetCodec codec_;
    LoginFlow login_;
    uint32_t failure_pauses_[kMaxFailurePauses] = {};
    uint8_t failure_pause_count_ = 0;
};

} // namespace kansoku::honeypot::telnet

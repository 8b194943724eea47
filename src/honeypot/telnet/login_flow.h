#pragma once

/// The login dialogue of a BusyBox device (loginutils/login.c) as a state machine over input
/// lines: banner, "login: ", "Password: " (input not echoed: the server said WILL ECHO and stays
/// silent), "Login incorrect" and a new prompt, the connection closed after max_attempts failures.
/// Each password read is one LoginAttempt (a honeypot.login event); the CredentialPolicy decides.
///
/// Like BusyBox: leading blanks before the username are skipped and the username ends at the
/// first byte <= ' '; an empty username line only repeats the prompt (max_empty_usernames of them
/// end the session); the password is asked for every username; after the password a newline is
/// printed (bb_ask_noecho) since the Enter key was not echoed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/telnet_writer.h"

namespace kansoku::honeypot::telnet {

struct LoginFlowOptions {
    /// Written before the first prompt (BusyBox: "\n" then /etc/issue.net). LF is sent as CR LF.
    std::string banner = "\n";
    /// The persona puts its hostname in front: "router login: ".
    std::string login_prompt = "login: ";
    std::string password_prompt = "Password: ";
    std::string failure_message = "Login incorrect\n";
    uint32_t max_attempts = 3;         ///< BusyBox login gives up after 3
    uint32_t max_empty_usernames = 10; ///< BusyBox EMPTY_USERNAME_COUNT
    uint32_t max_username_length = 64;
};

/// One password read: the data of a honeypot.login event.
struct LoginAttempt {
    std::string username;
    std::string password;
    bool success = false;
    uint32_t attempt = 0; ///< the number the policy saw (LoginContext::attempt)
    /// Where in the output buffer the answer to this attempt starts ("Login incorrect" or, on success,
    /// what follows the newline): a server that pauses like BusyBox's login does it here.
    size_t output_offset = 0;
};

enum class LoginState : uint8_t {
    Username, ///< at "login: "
    Password, ///< at "Password: ", echo off
    LoggedIn, ///< the shell has the session
    Closed,   ///< too many failures or empty usernames
};

class LoginFlow {
public:
    /// `options` and `policy` must outlive the flow. `prior_attempts`: attempts this source made
    /// in earlier sessions (for AcceptAfterTriesPolicy across connections); 0 if not tracked.
    LoginFlow(const LoginFlowOptions& options, const CredentialPolicy& policy, uint32_t prior_attempts = 0);

    /// Writes the banner and the first login prompt.
    void start(TelnetWriter& out);

    /// Reads one input line at the current prompt and writes what follows (next prompt, failure
    /// message). Returns the attempt when the line was a password. Call only while active().
    std::optional<LoginAttempt> onLine(std::string_view line, TelnetWriter& out);

    LoginState state() const { return state_; }
    bool active() const { return state_ == LoginState::Username || state_ == LoginState::Password; }
    /// Whether input should be echoed now (everything but the password).
    bool echo() const { return state_ != LoginState::Password; }
    /// Failed attempts in this session.
    uint32_t failures() const { return failures_; }
    /// After LoggedIn: who logged in.
    const std::string& username() const { return username_; }
    /// Bytes of heap held now.
    size_t heapBytes() const;

private:
    const LoginFlowOptions* options_;
    const CredentialPolicy* policy_;
    std::string username_;
    uint32_t prior_attempts_;
    uint16_t failures_ = 0;
    uint16_t empty_usernames_ = 0;
    LoginState state_ = LoginState::Username;
};

} // namespace kansoku::honeypot::telnet

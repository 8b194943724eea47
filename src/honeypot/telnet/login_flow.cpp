#include "honeypot/telnet/login_flow.h"

namespace kansoku::honeypot::telnet {

LoginFlow::LoginFlow(const LoginFlowOptions& options, const CredentialPolicy& policy, uint32_t prior_attempts)
    : options_(&options), policy_(&policy), prior_attempts_(prior_attempts) {}

void LoginFlow::start(TelnetWriter& out) {
    out.write(options_->banner);
    out.write(options_->login_prompt);
}

size_t LoginFlow::heapBytes() const {
    const std::string empty;
    return username_.capacity() > empty.capacity() ? username_.capacity() + 1 : 0;
}

std::optional<LoginAttempt> LoginFlow::onLine(std::string_view line, TelnetWriter& out) {
    if (state_ == LoginState::Username) {
        // loginutils/login.c get_username_or_die(): skip leading blanks, stop at the first byte <= ' '.
        size_t begin = 0;
        while (begin < line.size() && static_cast<unsigned char>(line[begin]) <= ' ') {
            ++begin;
        }
        size_t end = begin;
        while (end < line.size() && static_cast<unsigned char>(line[end]) > ' ' &&
               end - begin < options_->max_username_length) {
            ++end;
        }
        if (end == begin) {
            if (++empty_usernames_ >= options_->max_empty_usernames) {
                state_ = LoginState::Closed;
                return std::nullopt;
            }
            out.write(options_->login_prompt);
            return std::nullopt;
        }
        username_.assign(line.substr(begin, end - begin));
        state_ = LoginState::Password;
        out.write(options_->password_prompt);
        return std::nullopt;
    }
    if (state_ != LoginState::Password) {
        return std::nullopt;
    }
    LoginAttempt attempt;
    attempt.username = username_;
    attempt.password.assign(line);
    attempt.attempt = prior_attempts_ + failures_ + 1;
    attempt.success = policy_->accept(LoginContext{attempt.username, attempt.password, attempt.attempt});
    out.write("\n"); // the Enter after the password was not echoed
    attempt.output_offset = out.buffer().size();
    if (attempt.success) {
        state_ = LoginState::LoggedIn;
        return attempt;
    }
    ++failures_;
    out.write(options_->failure_message);
    username_.clear();
    if (failures_ >= options_->max_attempts) {
        state_ = LoginState::Closed;
        return attempt;
    }
    state_ = LoginState::Username;
    out.write(options_->login_prompt);
    return attempt;
}

} // namespace kansoku::honeypot::telnet

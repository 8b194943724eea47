#include "honeypot/telnet/telnet_session.h"

namespace kansoku::honeypot::telnet {

/// Routes each line to the login flow or, after login, to the handler; lives for one feed().
class TelnetSession::Lines final : public LineHandler {
public:
    Lines(TelnetSession& session, std::string& out) : session_(session), writer_(out) {}

    LineAction onLine(std::string_view line, bool truncated) override {
        TelnetSession& s = session_;
        if (s.login_.state() == LoginState::LoggedIn) {
            if (s.handler_->onCommand(line, truncated, writer_) == CommandAction::Close) {
                s.codec_.close(CloseReason::HandlerClosed);
                return LineAction::Stop;
            }
            return LineAction::Continue;
        }
        const std::optional<LoginAttempt> attempt = s.login_.onLine(line, writer_);
        s.codec_.setEcho(s.login_.echo());
        if (attempt) {
            if (!attempt->success && s.failure_pause_count_ < kMaxFailurePauses) {
                s.failure_pauses_[s.failure_pause_count_++] = static_cast<uint32_t>(attempt->output_offset);
            }
            s.handler_->onLoginAttempt(*attempt);
            if (attempt->success) {
                s.handler_->onLoggedIn(*attempt, writer_);
            }
        }
        if (s.login_.state() == LoginState::Closed) {
            s.codec_.close(s.login_.failures() > 0 ? CloseReason::LoginFailed : CloseReason::EmptyUsernames);
            return LineAction::Stop;
        }
        return LineAction::Continue;
    }

private:
    TelnetSession& session_;
    TelnetWriter writer_;
};

TelnetSession::TelnetSession(const TelnetSessionConfig& config, const CredentialPolicy& policy,
                             TelnetSessionHandler& handler, uint32_t prior_attempts)
    : handler_(&handler), codec_(config.codec), login_(config.login, policy, prior_attempts) {}

size_t TelnetSession::start(std::string& out) {
    codec_.start(out);
    const size_t negotiation = out.size();
    TelnetWriter writer(out);
    login_.start(writer);
    return negotiation;
}

bool TelnetSession::feed(std::span<const uint8_t> input, std::string& out) {
    failure_pause_count_ = 0;
    Lines lines(*this, out);
    return codec_.feed(input, out, lines);
}

} // namespace kansoku::honeypot::telnet

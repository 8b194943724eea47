#include "honeypot/telnet/telnet_service.h"

#include <string>
#include <utility>

#include "honeypot/session/shell_session.h"

namespace kansoku::honeypot::telnet {
namespace {

/// One telnet connection: bytes from the session server into the TelnetSession, its login
/// attempts and lines into the ShellSession.
class TelnetConnection final : public server::SessionProtocol, private TelnetSessionHandler {
public:
    TelnetConnection(TelnetService& service, const server::SessionInfo& info)
        : service_(service), shell_(service.collector(),
                                    SessionContext{info.id, "telnet", info.src, info.src_port, info.dst_port, info.dst},
                                    service.persona(), service.options().shell),
          session_(service.options().session, service.policy(), *this, service.attempts().prior(info.src)) {}

    void start(server::Output& out) override {
        shell_.connected();
        std::string bytes;
        const size_t negotiation = session_.start(bytes);
        const std::string_view all = bytes;
        out.write(all.substr(0, negotiation));
        out.pause(service_.options().prompt_delay);
        out.write(all.substr(negotiation));
    }

    bool onData(std::span<const uint8_t> data, server::Output& out) override {
        std::string bytes;
        const bool keep = session_.feed(data, bytes);
        const std::string_view all = bytes;
        size_t sent = 0;
        for (const uint32_t offset : session_.failurePauses()) {
            out.write(all.substr(sent, offset - sent));
            out.pause(service_.options().failure_delay);
            sent = offset;
        }
        out.write(all.substr(sent));
        return keep && !close_requested_;
    }

    void onClose(server::CloseReason) override {
        service_.attempts().add(shell_.context().src, shell_.loginAttempts());
        service_.addCounters(session_.counters());
        shell_.close();
    }

private:
    void onLoginAttempt(const LoginAttempt& attempt) override {
        shell_.loginAttempt(attempt.username, attempt.password, attempt.success);
    }

    void onLoggedIn(const LoginAttempt&, TelnetWriter& out) override { out.write(shell_.welcome()); }

    CommandAction onCommand(std::string_view line, bool truncated, TelnetWriter& out) override {
        auto result = shell_.runLine(line, truncated);
        out.write(result.output);
        if (result.close) {
            close_requested_ = true;
            return CommandAction::Close;
        }
        return CommandAction::Continue;
    }

    TelnetService& service_;
    ShellSession shell_;
    TelnetSession session_;
    bool close_requested_ = false;
};

} // namespace

TelnetService::TelnetService(Collector& collector, std::shared_ptr<const shell::Persona> persona,
                             std::shared_ptr<const CredentialPolicy> policy, TelnetServiceOptions options)
    : collector_(&collector), persona_(std::move(persona)), policy_(std::move(policy)), options_(std::move(options)),
      attempts_(options_.max_tracked_sources) {
    if (options_.session.login.login_prompt == LoginFlowOptions{}.login_prompt && !persona_->hostname.empty()) {
        options_.session.login.login_prompt = persona_->hostname + " login: ";
    }
}

server::ProtocolFactory TelnetService::factory() {
    return [this](const server::SessionInfo& info) -> std::unique_ptr<server::SessionProtocol> {
        return std::make_unique<TelnetConnection>(*this, info);
    };
}

} // namespace kansoku::honeypot::telnet

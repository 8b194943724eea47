#include "honeypot/telnet/telnet_service.h"

#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "honeypot/session/shell_session.h"
#include "honeypot/telnet/telnet_text.h"

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
          session_(service.options().session, service.policy(), *this, service.attempts().prior(info.src)) {
        if (!service.options().cast.dir.empty()) {
            cast_ = std::make_unique<CastRecorder>(service.options().cast, info.id, "telnet " + info.src,
                                                   CastRecorder::Clock::now(), nowMicros());
        }
    }

    void start(server::Output& out) override {
        output_ = &out; // the session's: lives as long as this connection
        shell_.enableFetchWait(service_.options().download_wait, [this] { output_->wake(); });
        shell_.connected();
        std::string bytes;
        const size_t negotiation = session_.start(bytes);
        const std::string_view all = bytes;
        out.write(all.substr(0, negotiation));
        out.pause(service_.options().prompt_delay);
        out.write(all.substr(negotiation));
        record(all, CastRecorder::Clock::now() + service_.options().prompt_delay);
    }

    bool onData(std::span<const uint8_t> data, server::Output& out) override {
        const auto now = CastRecorder::Clock::now();
        if (cast_) {
            std::string typed;
            input_text_.filter(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), typed);
            cast_->input(typed, now);
        }
        std::string bytes;
        const bool keep = session_.feed(data, bytes);
        const std::string_view all = bytes;
        size_t sent = 0;
        auto at = now;
        for (const uint32_t offset : session_.failurePauses()) {
            out.write(all.substr(sent, offset - sent));
            record(all.substr(sent, offset - sent), at);
            out.pause(service_.options().failure_delay);
            at += service_.options().failure_delay;
            sent = offset;
        }
        out.write(all.substr(sent));
        record(all.substr(sent), at);
        if (cast_) {
            cast_->setSize(session_.codec().windowWidth(), session_.codec().windowHeight());
        }
        return keep && !close_requested_;
    }

    /// A download the waiting line needed has ended (or its wait is over): the line's output, then
    /// the lines typed meanwhile.
    bool onWake(server::Output& out) override {
        auto result = shell_.resumeLine();
        if (!result) {
            return true;
        }
        std::string bytes;
        if (!deliver(std::move(*result), bytes)) {
            out.write(bytes);
            record(bytes, CastRecorder::Clock::now());
            return false;
        }
        while (!shell_.lineWaiting() && !queued_.empty()) {
            auto [line, truncated] = std::move(queued_.front());
            queued_.erase(queued_.begin());
            if (!deliver(shell_.runLine(line, truncated), bytes)) {
                out.write(bytes);
                record(bytes, CastRecorder::Clock::now());
                return false;
            }
        }
        out.write(bytes);
        record(bytes, CastRecorder::Clock::now());
        return true;
    }

    void onClose(server::CloseReason) override {
        if (cast_) {
            cast_->finish(service_.castCounters());
            cast_.reset();
        }
        service_.attempts().add(shell_.context().src, shell_.loginAttempts());
        service_.addCounters(session_.counters());
        shell_.close();
        TelnetShellCounters& counters = service_.shellCounters();
        counters.download_waits += shell_.fetchWaits();
        counters.download_wait_timeouts += shell_.fetchTimeouts();
        counters.lines_dropped_waiting += lines_dropped_;
    }

private:
    void onLoginAttempt(const LoginAttempt& attempt) override {
        shell_.loginAttempt(attempt.username, attempt.password, attempt.success);
    }

    void onLoggedIn(const LoginAttempt&, TelnetWriter& out) override {
        out.write(shell_.welcome());
        if (cast_) {
            cast_->keep();
        }
    }

    /// What the terminal shows of telnet bytes sent at `at`, into the cast.
    void record(std::string_view bytes, CastRecorder::Clock::time_point at) {
        if (cast_ && !bytes.empty()) {
            std::string text;
            output_text_.filter(bytes, text);
            cast_->output(text, at);
        }
    }

    CommandAction onCommand(std::string_view line, bool truncated, TelnetWriter& out) override {
        if (shell_.lineWaiting()) {
            // Typed ahead while wget runs: the pty keeps it for the shell's next read.
            if (queued_.size() < service_.options().max_lines_while_waiting) {
                queued_.emplace_back(std::string(line), truncated);
            } else {
                ++lines_dropped_;
            }
            return CommandAction::Continue;
        }
        auto result = shell_.runLine(line, truncated);
        if (result.waiting) {
            output_->wakeAfter(service_.options().download_wait);
            return CommandAction::Continue;
        }
        out.write(result.output);
        if (result.close) {
            close_requested_ = true;
            return CommandAction::Close;
        }
        return CommandAction::Continue;
    }

    /// Appends a line's output (telnet-escaped) to `bytes`; false when the shell closes the session.
    bool deliver(ShellSession::LineResult result, std::string& bytes) {
        if (result.waiting) {
            output_->wakeAfter(service_.options().download_wait);
            return true;
        }
        session_.write(result.output, bytes);
        if (result.close) {
            close_requested_ = true;
            return false;
        }
        return true;
    }

    TelnetService& service_;
    ShellSession shell_;
    TelnetSession session_;
    server::Output* output_ = nullptr;
    std::unique_ptr<CastRecorder> cast_; ///< null: recording is off
    TelnetTextFilter input_text_;
    TelnetTextFilter output_text_;
    /// Lines typed while a line waits (bounded; a vector: an idle session holds no block for it).
    std::vector<std::pair<std::string, bool>> queued_;
    uint64_t lines_dropped_ = 0;
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

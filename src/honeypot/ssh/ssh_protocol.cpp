#include "honeypot/ssh/ssh_protocol.h"

#include <algorithm>
#include <cerrno>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/time.h"
#include "honeypot/session/honeypot_events.h"
#include "honeypot/ssh/ssh_service.h"

// libssh 0.10 marks the ssh_message getters for auth requests deprecated in favour of server
// callbacks, but keyboard-interactive on the server side exists only as messages; the getters are
// still supported (0.10, 0.11).
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace kansoku::honeypot::ssh {

namespace {

/// Usernames, passwords and forward targets kept from a request (libssh bounds packets, we bound
/// what we record).
constexpr size_t kMaxFieldBytes = 1024;
/// Client bytes waiting for libssh: beyond this the client is flooding faster than libssh reads.
constexpr size_t kMaxPendingInput = 512 * 1024;
/// Rounds of write -> libssh -> read per onData(); each round moves up to a socket buffer.
constexpr int kMaxRounds = 64;
/// Buffers larger than this are given back once emptied (SCP/SFTP packets are up to 64 KiB).
constexpr size_t kKeepBufferBytes = 4096;

std::string bounded(const char* text) {
    if (text == nullptr) {
        return {};
    }
    std::string_view view(text);
    return std::string(view.substr(0, kMaxFieldBytes));
}

int messageTrampoline(ssh_session, ssh_message message, void* user) {
    return static_cast<SshProtocol*>(user)->onMessage(message);
}

int dataTrampoline(ssh_session, ssh_channel, void* data, uint32_t length, int /*is_stderr*/, void* user) {
    return static_cast<SshProtocol*>(user)->onChannelData(data, length);
}

void eofTrampoline(ssh_session, ssh_channel, void* user) {
    static_cast<SshProtocol*>(user)->onChannelEof();
}

void closeTrampoline(ssh_session, ssh_channel, void* user) {
    static_cast<SshProtocol*>(user)->onChannelClose();
}

std::string keyFingerprint(ssh_key key) {
    if (key == nullptr) {
        return {};
    }
    unsigned char* hash = nullptr;
    size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK) {
        return {};
    }
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    std::string out = text != nullptr ? text : "";
    ssh_string_free_char(text);
    return out;
}

} // namespace

SshProtocol::SshProtocol(SshService& service, const server::SessionInfo& info)
    : service_(&service),
      shell_(*service.collector_, SessionContext{info.id, "ssh", info.src, info.src_port, info.dst_port, info.dst},
             service.persona_, service.config_.shell_limits, service.config_.upload_limits),
      editor_(service.config_.max_line_bytes) {}

SshProtocol::~SshProtocol() {
    if (event_ != nullptr) {
        if (kex_done_ && session_ != nullptr) {
            ssh_event_remove_session(event_, session_);
        }
        ssh_event_free(event_);
    }
    if (session_ != nullptr) {
        ssh_free(session_); // frees the channel and closes libssh's end of the socketpair
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool SshProtocol::setUp() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
        return false;
    }
    fd_ = fds[0];
    session_ = ssh_new();
    if (session_ == nullptr) {
        ::close(fds[1]);
        return false;
    }
    if (ssh_bind_accept_fd(service_->bind_, session_, fds[1]) != SSH_OK) {
        return false; // ssh_free in the destructor closes fds[1]
    }
    ssh_set_blocking(session_, 0);
    ssh_set_auth_methods(session_, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE);
    ssh_set_message_callback(session_, messageTrampoline, this);
    event_ = ssh_event_new();
    return event_ != nullptr;
}

void SshProtocol::start(server::Output& out) {
    output_ = &out; // the session's: lives as long as this protocol
    shell_.enableFetchWait(service_->config_.download_wait, [this] { output_->wake(); });
    shell_.connected();
    prior_attempts_ = service_->attempts_.prior(shell_.context().src);
    // ssh_handle_key_exchange's first call writes the server's identification line.
    if (!pump(out)) {
        dead_ = true;
    }
}

bool SshProtocol::onData(std::span<const uint8_t> data, server::Output& out) {
    if (dead_) {
        return false;
    }
    SshCounters& counters = service_->counters_;
    if (!hello_.decided()) {
        HelloStatus status = hello_.feed(data);
        if (status == HelloStatus::Invalid) {
            if (hello_.hello().version.empty()) {
                ++counters.bad_version;
            } else {
                ++counters.bad_kexinit;
            }
            emitClient();
            dead_ = true;
            return false;
        }
        if (status == HelloStatus::Complete) {
            emitClient();
        }
    }
    if (to_libssh_.size() + data.size() > kMaxPendingInput) {
        dead_ = true;
        return false;
    }
    to_libssh_.append(reinterpret_cast<const char*>(data.data()), data.size());
    return pump(out);
}

bool SshProtocol::onWake(server::Output& out) {
    if (dead_) {
        return false;
    }
    auto result = shell_.resumeLine();
    if (!result) {
        return true;
    }
    if (mode_ == Mode::Shell) {
        std::string output;
        bool finish = result->close;
        if (result->waiting) {
            out.wakeAfter(service_->config_.download_wait);
        } else {
            output = pty_ ? toCrLf(result->output) : std::move(result->output);
            finish = finish || runQueuedLines(output);
        }
        writeChannel(output);
        if (finish) {
            finishChannel(0);
        }
    } else {
        execDone(std::move(*result));
    }
    return pump(out);
}

bool SshProtocol::runQueuedLines(std::string& output) {
    SshCounters& counters = service_->counters_;
    size_t next = 0;
    bool finish = false;
    for (; next < queued_.size() && !shell_.lineWaiting(); ++next) {
        LineEvent& event = queued_[next];
        if (event.kind == LineEvent::Kind::Line) {
            auto result = shell_.runLine(event.text, event.truncated, pty_);
            if (result.waiting) {
                output_->wakeAfter(service_->config_.download_wait);
                continue;
            }
            output += pty_ ? toCrLf(result.output) : result.output;
            if (result.close) {
                finish = true;
                break;
            }
        } else if (event.kind == LineEvent::Kind::Interrupt) {
            if (pty_) {
                output += shell_.shell().prompt();
            }
        } else {
            finish = true;
            break;
        }
    }
    if (finish) {
        queued_.clear();
        return true;
    }
    queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(next));
    if (queued_.size() > service_->config_.max_lines_while_waiting) {
        counters.lines_dropped_waiting += queued_.size() - service_->config_.max_lines_while_waiting;
        queued_.resize(service_->config_.max_lines_while_waiting);
    }
    return queued_.empty() && !shell_.lineWaiting() && input_ended_;
}

void SshProtocol::execDone(ShellSession::LineResult result) {
    if (result.waiting) {
        output_->wakeAfter(service_->config_.download_wait);
        return;
    }
    writeChannel(pty_ ? toCrLf(result.output) : result.output);
    finishChannel(result.status);
}

void SshProtocol::onClose(server::CloseReason) {
    if (cast_) {
        cast_->finish(service_->cast_counters_);
        cast_.reset();
    }
    service_->attempts_.add(shell_.context().src, password_attempts_);
    emitClient();
    tallyTransfers();
    shell_.close();
    dead_ = true;
}

void SshProtocol::tallyTransfers() {
    if (tallied_) {
        return;
    }
    tallied_ = true;
    SshCounters& counters = service_->counters_;
    if (mode_ == Mode::ExecInput) {
        ++counters.uploads_incomplete; // the client never ended the exec's input: nothing ran
    }
    if (scp_) {
        scp_->finish();
        const ScpCounters& c = scp_->counters();
        counters.uploads_refused += c.refused;
        counters.uploads_incomplete += c.incomplete;
        counters.scp_protocol_errors += c.protocol_errors;
    }
    if (sftp_) {
        sftp_->finish();
        const SftpCounters& c = sftp_->counters();
        counters.uploads_refused += c.refused;
        counters.uploads_incomplete += c.incomplete;
        counters.sftp_bad_messages += c.bad_messages;
        counters.sftp_bad_handles += c.bad_handles;
    }
    counters.download_waits += shell_.fetchWaits();
    counters.download_wait_timeouts += shell_.fetchTimeouts();
    counters.uploads += shell_.uploads().files();
    counters.upload_limit += shell_.uploads().hits().total();
}

bool SshProtocol::pump(server::Output& out) {
    SshCounters& counters = service_->counters_;
    for (int round = 0; round < kMaxRounds && !dead_; ++round) {
        bool progress = false;
        if (!to_libssh_.empty()) {
            ssize_t n = ::send(fd_, to_libssh_.data(), to_libssh_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                to_libssh_.erase(0, static_cast<size_t>(n));
                progress = true;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                dead_ = true; // libssh closed its end (disconnect or error)
                break;
            }
        }
        if (!kex_done_) {
            int rc = ssh_handle_key_exchange(session_);
            if (rc == SSH_OK) {
                kex_done_ = true;
                ++counters.kex_completed;
                ssh_event_add_session(event_, session_);
                progress = true;
            } else if (rc == SSH_ERROR) {
                ++counters.protocol_errors;
                dead_ = true;
            }
        } else {
            ssh_event_dopoll(event_, 0);
        }
        if (!dead_) {
            afterLibssh();
        }
        if (disconnect_pending_) {
            disconnect_pending_ = false;
            ssh_disconnect(session_); // sends SSH_MSG_DISCONNECT, closes libssh's end
        }
        if (failure_pause_) {
            // libssh has written USERAUTH_FAILURE into the socketpair: it goes out after the pause.
            failure_pause_ = false;
            out.pause(service_->config_.failure_delay);
        }
        size_t before = out.queuedBytes();
        if (!drain(out)) {
            dead_ = true;
        }
        progress = progress || out.queuedBytes() != before;
        if (!progress) {
            break;
        }
    }
    if (!dead_ && kex_done_ && (ssh_get_status(session_) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) {
        dead_ = true;
    }
    if (dead_ && kex_done_ && (ssh_get_status(session_) & SSH_CLOSED_ERROR) != 0 && mode_ != Mode::Done &&
        failures_ < service_->config_.max_auth_tries) {
        ++counters.protocol_errors;
    }
    return !dead_;
}

bool SshProtocol::drain(server::Output& out) {
    char buffer[4096];
    for (;;) {
        ssize_t n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            if (!out.write(std::string_view(buffer, static_cast<size_t>(n)))) {
                return true; // the session server closes with output_limit
            }
            continue;
        }
        if (n == 0) {
            return false;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

void SshProtocol::afterLibssh() {
    if (channel_ == nullptr) {
        return;
    }
    if (shell_pending_) {
        shell_pending_ = false;
        if (pty_) {
            writeChannel(toCrLf(shell_.welcome()));
        }
    }
    if (exec_pending_) {
        exec_pending_ = false;
        startExec();
    }
    if (mode_ == Mode::ExecInput || mode_ == Mode::Scp || mode_ == Mode::Sftp) {
        runTransfers();
    }
    if (mode_ == Mode::Shell && (!keys_.empty() || eof_pending_)) {
        if (cast_) {
            cast_->input(keys_, CastRecorder::Clock::now());
        }
        std::string echo;
        std::vector<LineEvent> events;
        uint64_t truncated_before = editor_.truncatedLines();
        editor_.feed(keys_, echo, events);
        keys_.clear();
        if (eof_pending_ && !editor_.pending().empty()) {
            editor_.feed("\n", echo, events); // sh runs a last line without its newline
        }
        service_->counters_.lines_truncated += editor_.truncatedLines() - truncated_before;
        std::string output = pty_ ? std::move(echo) : std::string();
        input_ended_ = input_ended_ || eof_pending_;
        eof_pending_ = false;
        for (auto& event : events) {
            queued_.push_back(std::move(event));
        }
        // Lines wait behind one whose wget has not returned yet, as in a pty's buffer.
        const bool finish = !shell_.lineWaiting() && runQueuedLines(output);
        writeChannel(output);
        if (finish) {
            finishChannel(0);
        }
    }
    if (eof_pending_ && mode_ != Mode::Shell) {
        eof_pending_ = false;
    }
    if (close_pending_ && mode_ != Mode::Done) {
        mode_ = Mode::Done;
        ssh_channel_close(channel_);
    }
    close_pending_ = false;
}

void SshProtocol::startExec() {
    SshCounters& counters = service_->counters_;
    if (auto request = parseScpCommand(exec_command_); request && !truncated_exec_) {
        // Legacy SCP (`scp -O`): the sink protocol on this channel, files into the session's filesystem.
        ++counters.scp_requests;
        shell::ShellResult record;
        record.commands.push_back({{"scp"}, 0});
        service_->collector_->emit(makeCommandEvent(shell_.context(), exec_command_, false, false, record));
        mode_ = Mode::Scp;
        scp_ = std::make_unique<ScpSink>(std::move(*request), shell_.filesystem(), shell_.shell().cwd(),
                                         service_->config_.upload_limits.max_file_bytes,
                                         [this](const std::string& path, std::string_view content, uint32_t mode) {
                                             return shell_.upload(path, content, mode, "scp");
                                         });
        std::string reply = scp_->start();
        writeChannel(reply);
        if (!reply.empty() && reply.back() != '\0') {
            finishChannel(scp_->exitStatus()); // -d with a target that is no directory
        }
        return;
    }
    if (shell_.shell().readsStandardInput(exec_command_)) {
        // `cat > f`, `dd of=f`, `base64 -d > f`...: the command runs once the input has ended.
        ++counters.stdin_uploads;
        mode_ = Mode::ExecInput;
        return;
    }
    stdin_.clear();
    stdin_.shrink_to_fit();
    execDone(shell_.runLine(exec_command_, truncated_exec_, /*interactive=*/false));
}

void SshProtocol::runTransfers() {
    std::string reply;
    bool open = true;
    if (mode_ == Mode::Scp && !keys_.empty()) {
        open = scp_->feed(keys_, reply);
    } else if (mode_ == Mode::Sftp && !keys_.empty()) {
        open = sftp_->feed(keys_, reply);
    }
    keys_.clear();
    if (keys_.capacity() > kKeepBufferBytes) {
        keys_.shrink_to_fit(); // an idle transfer session keeps no packet-sized buffer
    }
    writeChannel(reply);
    if (mode_ == Mode::ExecInput && eof_pending_) {
        auto result = shell_.runLine(exec_command_, truncated_exec_, /*interactive=*/false, std::string_view(stdin_));
        stdin_.clear();
        stdin_.shrink_to_fit();
        mode_ = Mode::Exec;
        execDone(std::move(result));
        return;
    }
    if (!open || (eof_pending_ && mode_ != Mode::ExecInput)) {
        if (mode_ == Mode::Scp) {
            scp_->finish();
            finishChannel(scp_->exitStatus());
        } else if (mode_ == Mode::Sftp) {
            sftp_->finish();
            finishChannel(0);
        }
    }
}

void SshProtocol::writeChannel(std::string_view text) {
    if (channel_ == nullptr || mode_ == Mode::Done || text.empty()) {
        return;
    }
    size_t window = ssh_channel_window_size(channel_);
    size_t n = std::min(text.size(), window);
    service_->counters_.output_dropped += text.size() - n;
    if (n > 0) {
        ssh_channel_write(channel_, text.data(), static_cast<uint32_t>(n));
        if (cast_ && mode_ == Mode::Shell) {
            cast_->output(text.substr(0, n), CastRecorder::Clock::now());
        }
    }
}

void SshProtocol::finishChannel(int exit_status) {
    if (channel_ == nullptr || mode_ == Mode::Done) {
        return;
    }
    mode_ = Mode::Done;
    eof_pending_ = false;
    ssh_channel_request_send_exit_status(channel_, exit_status);
    ssh_channel_send_eof(channel_);
    ssh_channel_close(channel_);
}

void SshProtocol::emitClient() {
    const ClientHello& hello = hello_.hello();
    if (client_emitted_ || hello.version.empty()) {
        return;
    }
    client_emitted_ = true;
    Event event = makeSshClientEvent(shell_.context(), hello.version, hello.hassh, hello.hassh_algorithms);
    if (!hello.hassh.empty()) {
        ++service_->counters_.hassh_recorded;
    }
    service_->collector_->emit(std::move(event));
}

int SshProtocol::onMessage(ssh_message message) {
    switch (ssh_message_type(message)) {
    case SSH_REQUEST_AUTH:
        return onAuth(message);
    case SSH_REQUEST_CHANNEL_OPEN:
        return onChannelOpen(message);
    case SSH_REQUEST_CHANNEL:
        return onChannelRequest(message);
    case SSH_REQUEST_GLOBAL:
        if (ssh_message_subtype(message) == SSH_GLOBAL_REQUEST_TCPIP_FORWARD) {
            ++service_->counters_.forward_refused;
            service_->collector_->emit(makeSshForwardEvent(shell_.context(), "tcpip-forward",
                                                           bounded(ssh_message_global_request_address(message)),
                                                           ssh_message_global_request_port(message)));
        }
        return 1;
    default:
        return 1; // libssh's default reply: refused / unimplemented
    }
}

bool SshProtocol::authFailed() {
    ++failures_;
    failure_pause_ = true;
    if (failures_ >= service_->config_.max_auth_tries) {
        ++service_->counters_.auth_limit;
        disconnect_pending_ = true;
        return true;
    }
    return false;
}

int SshProtocol::onAuth(ssh_message message) {
    SshCounters& counters = service_->counters_;
    constexpr int kMethods = SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE;
    if (authenticated_ || disconnect_pending_) {
        return 1;
    }
    auto decide = [&](const std::string& user, const std::string& password, std::string_view method) {
        ++password_attempts_;
        bool ok = service_->policy_->accept(telnet::LoginContext{user, password, prior_attempts_ + password_attempts_});
        shell_.loginAttempt(user, password, ok, method);
        if (ok) {
            ++counters.auth_success;
            authenticated_ = true;
            ssh_message_auth_reply_success(message, 0);
            return 0;
        }
        authFailed();
        ssh_message_auth_set_methods(message, kMethods);
        return 1;
    };
    switch (ssh_message_subtype(message)) {
    case SSH_AUTH_METHOD_NONE:
        ++counters.auth_none;
        ssh_message_auth_set_methods(message, kMethods);
        return 1;
    case SSH_AUTH_METHOD_PASSWORD:
        ++counters.auth_password;
        return decide(bounded(ssh_message_auth_user(message)), bounded(ssh_message_auth_password(message)), "password");
    case SSH_AUTH_METHOD_INTERACTIVE:
        if (ssh_message_auth_kbdint_is_response(message) == 0) {
            kbdint_user_ = bounded(ssh_message_auth_user(message));
            const char* prompts[] = {service_->config_.kbdint_prompt.c_str()};
            char echo[] = {0};
            ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
            return 0;
        } else {
            ++counters.auth_kbdint;
            std::string answer;
            if (ssh_userauth_kbdint_getnanswers(session_) >= 1) {
                answer = bounded(ssh_userauth_kbdint_getanswer(session_, 0));
            }
            return decide(kbdint_user_, answer, "keyboard-interactive");
        }
    case SSH_AUTH_METHOD_PUBLICKEY:
        // Refused; recorded as a failed login whose "password" is the key's SHA256 fingerprint
        // (method "publickey"), so key-based bots are visible too. Counts against max_auth_tries.
        ++counters.auth_publickey;
        shell_.loginAttempt(bounded(ssh_message_auth_user(message)), keyFingerprint(ssh_message_auth_pubkey(message)),
                            false, "publickey");
        authFailed();
        ssh_message_auth_set_methods(message, kMethods);
        return 1;
    default:
        ssh_message_auth_set_methods(message, kMethods);
        return 1;
    }
}

int SshProtocol::onChannelOpen(ssh_message message) {
    SshCounters& counters = service_->counters_;
    int type = ssh_message_subtype(message);
    if (type == SSH_CHANNEL_SESSION && authenticated_ && channel_ == nullptr) {
        channel_ = ssh_message_channel_request_open_reply_accept(message);
        if (channel_ == nullptr) {
            return 0;
        }
        channel_callbacks_ = std::make_unique<ssh_channel_callbacks_struct>();
        *channel_callbacks_ = {};
        channel_callbacks_->userdata = this;
        channel_callbacks_->channel_data_function = dataTrampoline;
        channel_callbacks_->channel_eof_function = eofTrampoline;
        channel_callbacks_->channel_close_function = closeTrampoline;
        ssh_callbacks_init(channel_callbacks_.get());
        ssh_set_channel_callbacks(channel_, channel_callbacks_.get());
        return 0;
    }
    if (type == SSH_CHANNEL_DIRECT_TCPIP) {
        ++counters.forward_refused;
        service_->collector_->emit(makeSshForwardEvent(shell_.context(), "direct-tcpip",
                                                       bounded(ssh_message_channel_request_open_destination(message)),
                                                       ssh_message_channel_request_open_destination_port(message)));
        return 1;
    }
    ++counters.channels_refused;
    return 1;
}

int SshProtocol::onChannelRequest(ssh_message message) {
    SshCounters& counters = service_->counters_;
    if (channel_ == nullptr || ssh_message_channel_request_channel(message) != channel_) {
        return 1;
    }
    switch (ssh_message_subtype(message)) {
    case SSH_CHANNEL_REQUEST_PTY:
        pty_ = true;
        pty_width_ = static_cast<uint16_t>(std::clamp(ssh_message_channel_request_pty_width(message), 0, 1000));
        pty_height_ = static_cast<uint16_t>(std::clamp(ssh_message_channel_request_pty_height(message), 0, 1000));
        ssh_message_channel_request_reply_success(message);
        return 0;
    case SSH_CHANNEL_REQUEST_ENV:
    case SSH_CHANNEL_REQUEST_WINDOW_CHANGE:
        ssh_message_channel_request_reply_success(message); // accepted, ignored
        return 0;
    case SSH_CHANNEL_REQUEST_SHELL:
        if (mode_ != Mode::None) {
            return 1;
        }
        ++counters.shell_requests;
        mode_ = Mode::Shell;
        shell_pending_ = true;
        if (!service_->config_.cast.dir.empty()) {
            // The interactive shell is recorded from here (the login happened in the SSH layer).
            const SessionContext& context = shell_.context();
            cast_ = std::make_unique<CastRecorder>(service_->config_.cast, context.id, "ssh " + context.src,
                                                   CastRecorder::Clock::now(), nowMicros());
            cast_->setSize(pty_width_, pty_height_);
            cast_->keep();
        }
        ssh_message_channel_request_reply_success(message);
        return 0;
    case SSH_CHANNEL_REQUEST_EXEC: {
        if (mode_ != Mode::None) {
            return 1;
        }
        ++counters.exec_requests;
        mode_ = Mode::Exec;
        const char* command = ssh_message_channel_request_command(message);
        std::string_view view = command != nullptr ? std::string_view(command) : std::string_view();
        truncated_exec_ = view.size() > service_->config_.max_line_bytes;
        if (truncated_exec_) {
            ++counters.lines_truncated;
        }
        exec_command_.assign(view.substr(0, service_->config_.max_line_bytes));
        exec_pending_ = true;
        ssh_message_channel_request_reply_success(message);
        return 0;
    }
    case SSH_CHANNEL_REQUEST_SUBSYSTEM: {
        const char* name = ssh_message_channel_request_subsystem(message);
        if (mode_ != Mode::None || name == nullptr || std::string_view(name) != "sftp") {
            ++counters.subsystem_refused;
            return 1;
        }
        ++counters.sftp_requests;
        mode_ = Mode::Sftp;
        const UploadLimits& limits = service_->config_.upload_limits;
        SftpLimits sftp_limits;
        sftp_limits.max_file_bytes = limits.max_file_bytes;
        sftp_limits.max_held_bytes = limits.max_total_bytes;
        sftp_ = std::make_unique<SftpServer>(shell_.filesystem(), shell_.shell().persona().home, sftp_limits,
                                             [this](const std::string& path, std::string_view content, uint32_t mode) {
                                                 return shell_.upload(path, content, mode, "sftp");
                                             });
        ssh_message_channel_request_reply_success(message);
        return 0;
    }
    default:
        return 1; // x11, auth-agent, unknown: refused
    }
}

int SshProtocol::onChannelData(const void* data, uint32_t length) {
    const auto* bytes = static_cast<const char*>(data);
    if (mode_ == Mode::Exec || mode_ == Mode::ExecInput) {
        // An exec's input (it may come before the request is handled): kept up to one file's worth.
        const size_t cap = service_->config_.upload_limits.max_file_bytes + 1;
        const size_t take = std::min<size_t>(length, cap > stdin_.size() ? cap - stdin_.size() : 0);
        service_->counters_.stdin_limit += take < length ? 1 : 0;
        stdin_.append(bytes, take);
    } else if (mode_ == Mode::Scp || mode_ == Mode::Sftp) {
        // Handled after libssh returns; a client sending faster than that is cut off.
        if (keys_.size() + length > kMaxPendingInput) {
            disconnect_pending_ = true;
            return static_cast<int>(length);
        }
        keys_.append(bytes, length);
    } else if (mode_ == Mode::Shell) {
        // Bounded: at most one packet's worth per callback, handled before the next onData().
        size_t room = service_->config_.max_line_bytes * 4 + 4096;
        size_t take = std::min<size_t>(length, room > keys_.size() ? room - keys_.size() : 0);
        keys_.append(static_cast<const char*>(data), take);
    }
    return static_cast<int>(length); // everything consumed (the rest of a flood is dropped)
}

void SshProtocol::onChannelEof() {
    eof_pending_ = true;
}

void SshProtocol::onChannelClose() {
    close_pending_ = true;
}

} // namespace kansoku::honeypot::ssh

#pragma once

/// One SSH connection: the session server's bytes bridged to a libssh server session through a
/// socketpair. onData() writes the client's bytes into our end, lets libssh run without blocking
/// (key exchange, then ssh_event_dopoll with timeout 0) and reads back what libssh wrote, all on
/// the io_context thread inside the call: no extra threads, no waiting. libssh's callbacks only
/// record what happened; replies that produce channel output run after libssh returns.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "honeypot/server/session_server.h"
#include "honeypot/session/cast_recorder.h"
#include "honeypot/session/shell_session.h"
#include "honeypot/ssh/client_hello.h"
#include "honeypot/ssh/line_editor.h"
#include "honeypot/ssh/scp_sink.h"
#include "honeypot/ssh/sftp_server.h"

struct ssh_session_struct;
struct ssh_event_struct;
struct ssh_channel_struct;
struct ssh_message_struct;
struct ssh_channel_callbacks_struct;

namespace kansoku::honeypot::ssh {

class SshService;

class SshProtocol final : public server::SessionProtocol {
public:
    SshProtocol(SshService& service, const server::SessionInfo& info);
    ~SshProtocol() override;
    SshProtocol(const SshProtocol&) = delete;
    SshProtocol& operator=(const SshProtocol&) = delete;

    /// Sets up the socketpair and the libssh session; false if that failed (nothing to serve).
    bool setUp();

    void start(server::Output& out) override;
    bool onData(std::span<const uint8_t> data, server::Output& out) override;
    bool onWake(server::Output& out) override;
    void onClose(server::CloseReason reason) override;

    // libssh's callbacks (ssh_protocol.cpp), public only for the C trampolines.
    int onMessage(ssh_message_struct* message);
    int onChannelData(const void* data, uint32_t length);
    void onChannelEof();
    void onChannelClose();

private:
    /// Exec: the command runs when requested; ExecInput: it reads stdin, so it runs at the channel's
    /// EOF with all of it; Scp / Sftp: the channel's bytes go to the SCP sink / SFTP server.
    enum class Mode : uint8_t { None, Shell, Exec, ExecInput, Scp, Sftp, Done };

    bool pump(server::Output& out);
    bool drain(server::Output& out);
    void afterLibssh();
    /// Runs the queued shell lines until one waits for a download; output to `output`. True when
    /// the channel is to end (exit, ^D, or the input's end once every line has run).
    bool runQueuedLines(std::string& output);
    /// An exec line's result: written and the channel finished, unless it waits for a download.
    void execDone(ShellSession::LineResult result);
    void finishChannel(int exit_status);
    void writeChannel(std::string_view text);
    void emitClient();
    void startExec();
    void runTransfers();
    /// Adds the session's transfer counters to the service's, once (at close).
    void tallyTransfers();
    int onAuth(ssh_message_struct* message);
    int onChannelOpen(ssh_message_struct* message);
    int onChannelRequest(ssh_message_struct* message);
    bool authFailed();

    SshService* service_;
    ShellSession shell_;
    ClientHelloParser hello_;
    LineEditor editor_;
    ssh_session_struct* session_ = nullptr;
    ssh_event_struct* event_ = nullptr;
    ssh_channel_struct* channel_ = nullptr;
    std::unique_ptr<ssh_channel_callbacks_struct> channel_callbacks_;
    int fd_ = -1;                   ///< our end of the socketpair (libssh owns the other)
    std::string to_libssh_;         ///< client bytes libssh has not taken yet
    std::string keys_;              ///< channel data received, for the line editor or SCP/SFTP (after libssh returns)
    std::string stdin_;             ///< an exec channel's input, until its EOF (bounded by the upload file limit)
    std::vector<LineEvent> queued_; ///< shell lines read while a line waits for a download (bounded)
    server::Output* output_ = nullptr;
    std::unique_ptr<CastRecorder> cast_; ///< the shell channel's recording; null: off or no shell
    uint16_t pty_width_ = 0;
    uint16_t pty_height_ = 0;
    std::unique_ptr<ScpSink> scp_;
    std::unique_ptr<SftpServer> sftp_;
    std::string exec_command_;
    std::string kbdint_user_;
    uint32_t prior_attempts_ = 0;    ///< the source's attempts in earlier connections
    uint32_t password_attempts_ = 0; ///< attempts in this connection
    uint32_t failures_ = 0;          ///< failed attempts, against max_auth_tries
    Mode mode_ = Mode::None;
    bool client_emitted_ = false;
    bool kex_done_ = false;
    bool authenticated_ = false;
    bool pty_ = false;
    bool exec_pending_ = false;
    bool shell_pending_ = false;
    bool eof_pending_ = false;
    bool close_pending_ = false;
    bool disconnect_pending_ = false;
    bool truncated_exec_ = false;
    bool failure_pause_ = false; ///< an authentication failed in this pump: its answer waits failure_delay
    bool input_ended_ = false;   ///< the shell channel's input ended: finish once the queued lines ran
    bool dead_ = false;
    bool tallied_ = false;
};

} // namespace kansoku::honeypot::ssh

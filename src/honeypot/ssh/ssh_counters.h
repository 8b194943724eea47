#pragma once

/// Everything the SSH honeypot met, per service (all its sessions), on the io_context thread.
/// The session server's own counters (limits, timeouts, bytes) apply to SSH connections as well.

#include <cstdint>
#include <string>

namespace kansoku::honeypot::ssh {

struct SshCounters {
    uint64_t sessions = 0;               ///< SshProtocol instances started
    uint64_t setup_errors = 0;           ///< socketpair / libssh session set-up failed (session closed)
    uint64_t bad_version = 0;            ///< the client's first bytes were no SSH-2.0 identification line
    uint64_t bad_kexinit = 0;            ///< the client's first packet was no well-formed KEXINIT
    uint64_t protocol_errors = 0;        ///< libssh gave up on the session (bad packet, MAC, kex failure)
    uint64_t kex_completed = 0;          ///< key exchanges finished
    uint64_t hassh_recorded = 0;         ///< honeypot.ssh_client events with a HASSH
    uint64_t auth_none = 0;              ///< "none" requests (refused, not a login attempt)
    uint64_t auth_password = 0;          ///< password attempts
    uint64_t auth_kbdint = 0;            ///< keyboard-interactive answers
    uint64_t auth_publickey = 0;         ///< publickey attempts (always refused)
    uint64_t auth_success = 0;           ///< accepted logins
    uint64_t auth_limit = 0;             ///< sessions disconnected after max_auth_tries failures
    uint64_t shell_requests = 0;         ///< interactive shells started
    uint64_t exec_requests = 0;          ///< exec requests run
    uint64_t subsystem_refused = 0;      ///< subsystem requests other than sftp refused
    uint64_t scp_requests = 0;           ///< `scp -t` exec requests served by the SCP sink
    uint64_t sftp_requests = 0;          ///< sftp subsystems started
    uint64_t stdin_uploads = 0;          ///< exec requests that read their channel's input to the end first
    uint64_t uploads = 0;                ///< files kept from SCP, SFTP and exec stdin (each a sample)
    uint64_t upload_limit = 0;           ///< files refused by the session's upload budget (size, count, bytes)
    uint64_t uploads_refused = 0;        ///< SCP/SFTP files answered with an error (limits, paths)
    uint64_t uploads_incomplete = 0;     ///< transfers the channel ended in the middle of (not kept)
    uint64_t scp_protocol_errors = 0;    ///< fatal SCP control records (bad header, size, mode, name)
    uint64_t sftp_bad_messages = 0;      ///< truncated or oversized SFTP packets, requests before INIT
    uint64_t sftp_bad_handles = 0;       ///< SFTP requests naming no open handle
    uint64_t stdin_limit = 0;            ///< exec input packets cut at the upload file limit (the rest dropped)
    uint64_t forward_refused = 0;        ///< direct-tcpip / tcpip-forward requests refused (and recorded)
    uint64_t channels_refused = 0;       ///< other channel types, or a second session channel
    uint64_t lines_truncated = 0;        ///< command lines cut at max_line_bytes
    uint64_t output_dropped = 0;         ///< shell output bytes dropped (the client's window was full)
    uint64_t download_waits = 0;         ///< lines whose wget/curl/tftp waited for the fetched file
    uint64_t download_wait_timeouts = 0; ///< fetches given up at download_wait (an empty file instead)
    uint64_t lines_dropped_waiting = 0;  ///< typed-ahead lines beyond the bound while a line waited
};

/// One line for the exit summary: "ssh downloads: N waited for, ...\n".
std::string downloadWaitSummary(const SshCounters& counters);

/// One line for the exit summary: "ssh uploads: N files (scp A, sftp B, stdin C requests), ...\n".
std::string uploadSummary(const SshCounters& counters);

} // namespace kansoku::honeypot::ssh

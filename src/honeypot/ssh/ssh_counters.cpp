#include "honeypot/ssh/ssh_counters.h"

#include <fmt/format.h>

namespace kansoku::honeypot::ssh {

std::string uploadSummary(const SshCounters& c) {
    return fmt::format("ssh uploads: {} files (requests: scp {}, sftp {}, exec stdin {}), {} refused, {} over the "
                       "upload limits, {} incomplete, {} stdin cut; scp: {} protocol errors; sftp: {} bad messages, "
                       "{} bad handles\n",
                       c.uploads, c.scp_requests, c.sftp_requests, c.stdin_uploads, c.uploads_refused, c.upload_limit,
                       c.uploads_incomplete, c.stdin_limit, c.scp_protocol_errors, c.sftp_bad_messages,
                       c.sftp_bad_handles);
}

std::string downloadWaitSummary(const SshCounters& c) {
    return fmt::format("ssh downloads: {} waited for, {} gave up at download_wait, {} typed-ahead lines dropped\n",
                       c.download_waits, c.download_wait_timeouts, c.lines_dropped_waiting);
}

} // namespace kansoku::honeypot::ssh

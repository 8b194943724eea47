#pragma once

/// [notify]: how ISP reports are mailed and when `kansoku run` builds them (docs/reports.md).

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_visitor.h"
#include "common/duration.h"

namespace kansoku::share::isp {

struct NotifyConfig {
    std::string smtp_url; ///< smtp://host:port (STARTTLS when offered) or smtps://host:port; empty: no mail
    std::string from = "kansoku@localhost"; ///< envelope and header sender; also X-ARF's reporter contact
    std::string username;                   ///< SMTP AUTH; empty: none
    std::string password;
    bool require_tls = false; ///< smtp://: refuse a server that does not offer STARTTLS
    std::string ca_file;      ///< PEM CA certificates to verify the server with; empty: the system's
    Duration timeout = Duration::fromSeconds(30); ///< one attempt: connect to the server's last answer
    int64_t retries = 3;                          ///< attempts after the first
    Duration backoff = Duration::fromSeconds(30); ///< wait before the first retry; doubled for each next
    Duration max_backoff = Duration::fromMinutes(30);
    bool schedule = true;    ///< `kansoku run` builds (and with smtp_url mails) each ISP's report
    std::string report_time; ///< "HH:MM" UTC: reports are due at this time of day; empty: every interval
    Duration report_interval = Duration::fromHours(24); ///< the period of a scheduled report
    std::vector<std::string> formats = {"csv", "xarf"}; ///< what a scheduled report holds (both go in one mail)
    std::vector<std::string> suppress;         ///< abuse addresses never mailed (the report is still built and stored)
    std::string reporter_org = "kansoku";      ///< X-ARF reporter/sender organisation
    std::string reporter_domain = "localhost"; ///< X-ARF reporter/sender domain
};

void visitConfig(ConfigVisitor& v, NotifyConfig& c);

/// Minutes after midnight UTC of "HH:MM"; -1 when it is not such a time.
int parseReportTime(std::string_view text);

} // namespace kansoku::share::isp

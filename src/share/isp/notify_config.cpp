#include "share/isp/notify_config.h"

#include <algorithm>

namespace kansoku::share::isp {

int parseReportTime(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') {
        return -1;
    }
    for (const size_t i : {0, 1, 3, 4}) {
        if (text[i] < '0' || text[i] > '9') {
            return -1;
        }
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) {
        return -1;
    }
    return hours * 60 + minutes;
}

void visitConfig(ConfigVisitor& v, NotifyConfig& c) {
    v.text("smtp_url", c.smtp_url,
           "mail server: smtp://host:port (STARTTLS when offered) or smtps://host:port; empty: reports are stored, "
           "not mailed");
    v.text("from", c.from, "sender address of report mails (also the X-ARF reporter contact)");
    v.text("username", c.username, "SMTP AUTH user; empty: no authentication");
    v.text("password", c.password, "SMTP AUTH password; keep the file private");
    v.boolean("require_tls", c.require_tls, "smtp://: refuse to send when the server does not offer STARTTLS");
    v.text("ca_file", c.ca_file,
           "PEM CA certificates the server's TLS certificate is checked against; empty: the system's");
    v.duration("timeout", c.timeout, Duration::fromSeconds(1), Duration::fromHours(1),
               "one delivery attempt, from connecting to the server's last answer");
    v.integer("retries", c.retries, 0, 100, "attempts after the first when the server refuses, fails or hangs");
    v.duration("backoff", c.backoff, Duration(), Duration::fromHours(24),
               "wait before the first retry; doubled before each next one");
    v.duration("max_backoff", c.max_backoff, Duration(), Duration::fromDays(7), "longest wait between attempts");
    v.boolean("schedule", c.schedule, "kansoku run builds each ISP's report when due (and mails it with smtp_url)");
    v.text("report_time", c.report_time, "HH:MM (UTC) when scheduled reports are due; empty: every report_interval");
    v.duration("report_interval", c.report_interval, Duration::fromMinutes(1), Duration::fromDays(31),
               "the period a scheduled report covers; the next one starts where the last stored one ended");
    v.texts("formats", c.formats, "what a scheduled report holds, mailed together: csv, xarf");
    v.texts("suppress", c.suppress, "abuse addresses never mailed; their reports are still built and stored");
    v.text("reporter_org", c.reporter_org, "the organisation named as reporter and sender in X-ARF reports");
    v.text("reporter_domain", c.reporter_domain, "its domain, in X-ARF reports");
    v.check(c.report_time.empty() || parseReportTime(c.report_time) >= 0,
            "notify.report_time must be HH:MM (UTC), e.g. \"06:00\"");
    v.check(!c.formats.empty() && std::all_of(c.formats.begin(), c.formats.end(),
                                              [](const std::string& f) { return f == "csv" || f == "xarf"; }),
            "notify.formats must list csv and/or xarf");
    v.check(c.smtp_url.empty() || c.smtp_url.starts_with("smtp://") || c.smtp_url.starts_with("smtps://"),
            "notify.smtp_url must start with smtp:// or smtps://");
    v.check(c.username.empty() == c.password.empty(), "notify.username and notify.password must be set together");
}

} // namespace kansoku::share::isp

#pragma once

/// Delivers one report mail with retries: an attempt that fails (refused, broken, timed out) is
/// retried after [notify] backoff, doubled each time up to max_backoff, [notify] retries times.
/// Every attempt becomes a delivery row of each report in the mail; a suppressed address becomes
/// one 'suppressed' row and no attempt.

#include <functional>
#include <string>
#include <vector>

#include "common/duration.h"
#include "share/isp/mail_message.h"
#include "share/isp/mail_transport.h"
#include "share/isp/notify_config.h"
#include "store/report_store.h"

namespace kansoku::share::isp {

/// The wait before retry number `retry` (1 = the first retry): backoff * 2^(retry-1), at most max_backoff.
Duration backoffBefore(const NotifyConfig& config, int retry);

/// Whether `address` is in [notify] suppress (compared without case).
bool isSuppressed(const NotifyConfig& config, std::string_view address);

struct DeliveryOutcome {
    bool sent = false;
    bool suppressed = false;
    int attempts = 0;
    std::string detail; ///< the last answer or error
};

class ReportMailer {
public:
    /// Waits the given time; false when the wait was cut short (shutdown): no further attempt.
    using Wait = std::function<bool(Duration)>;
    using Clock = std::function<Timestamp()>;

    ReportMailer(MailTransport& transport, store::ReportStore& store, NotifyConfig config, Wait wait, Clock clock);

    /// Mails `message` (to message.to) and records each attempt against every report in `reports`.
    DeliveryOutcome deliver(const std::vector<int64_t>& reports, const MailMessage& message);

private:
    void record(const std::vector<int64_t>& reports, const std::string& recipient, std::string_view outcome,
                const std::string& detail);

    MailTransport& transport_;
    store::ReportStore& store_;
    NotifyConfig config_;
    Wait wait_;
    Clock clock_;
};

} // namespace kansoku::share::isp

#pragma once

/// The daily ISP reports of `kansoku run` ([notify] schedule): on its own thread, with its own store
/// connection, each ISP's report is built, stored and (with [notify] smtp_url) mailed when due. The
/// period of a report starts where the ISP's last stored report ended, so a restart neither loses
/// nor repeats a period; a run that was missed (the process was down) covers all the time since.
/// Mail retries wait on the scheduler's own clock and an SMTP attempt in flight polls it, so stop()
/// ends both at once (within about a second). A report whose mail failed every attempt is mailed
/// again (shouldResend) until it is sent or the next report is due.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "share/isp/notify_config.h"
#include "share/isp/report_builder.h"
#include "share/isp/report_mailer.h"
#include "store/isp_record.h"
#include "store/report_record.h"

namespace kansoku::store {
class Database;
}

namespace kansoku::share::isp {

struct ScheduledReport {
    Timestamp due = 0;   ///< when the report should be built
    Timestamp since = 0; ///< where its period starts
};

/// The ISP's next report. It starts at the end of its last report (`last_until`); it is due
/// `report_interval` later, or at the first [notify] report_time after that. An ISP without a report
/// has its first one due when it was added (or at the first report_time after), covering the
/// `report_interval` before.
ScheduledReport nextReport(const NotifyConfig& config, std::optional<Timestamp> last_until, Timestamp isp_created);

/// Whether a scheduled report whose mailing failed is mailed again now: none of its `deliveries` was
/// sent or suppressed (and there was at least one), the last attempt is `max_backoff` old, and its
/// period ended less than `report_interval` ago (after that the next report carries on).
bool shouldResend(const NotifyConfig& config, const std::vector<store::DeliveryRecord>& deliveries, Timestamp until,
                  Timestamp now);

class ReportScheduler {
public:
    /// Opens its own connection to `database` (a bad path fails here) and starts the thread.
    static Result<std::unique_ptr<ReportScheduler>> start(const NotifyConfig& config, const std::string& database);
    ~ReportScheduler();
    ReportScheduler(const ReportScheduler&) = delete;
    ReportScheduler& operator=(const ReportScheduler&) = delete;

    /// Stops the thread, cutting short a retry wait or an SMTP attempt in flight. Idempotent.
    void stop();

private:
    ReportScheduler(NotifyConfig config, std::unique_ptr<store::Database> store);
    void loop();
    /// Builds the reports due at `now`; the time of the next due report (nullopt: no ISP).
    std::optional<Timestamp> runDue(Timestamp now);
    /// Mails the ISP's latest reports again when shouldResend says so.
    void resendFailed(const store::IspRecord& isp, Timestamp until, Timestamp now, ReportMailer& mailer);
    bool stopping();
    /// Waits `d` or until stop(); false when stopping.
    bool wait(Duration d);

    NotifyConfig config_;
    std::unique_ptr<store::Database> store_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace kansoku::share::isp

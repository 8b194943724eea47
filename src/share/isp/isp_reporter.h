#pragma once

/// One ISP report run, as `kansoku report isp` and the schedule do it: collect the ISP's hosts for
/// the period, render each format, store each report, and (when asked) mail them together to the
/// ISP's abuse address with retries (ReportMailer).

#include <optional>
#include <vector>

#include "share/isp/mail_transport.h"
#include "share/isp/notify_config.h"
#include "share/isp/report_builder.h"
#include "share/isp/report_mailer.h"
#include "store/intel_store.h"
#include "store/report_store.h"

namespace kansoku::share::isp {

struct ReportRun {
    std::vector<BuiltReport> reports; ///< record.id set
    std::optional<DeliveryOutcome> delivery;
};

class IspReporter {
public:
    IspReporter(store::IntelStore& intel, store::ReportStore& reports, NotifyConfig config);

    /// Builds and stores the ISP's report for `period` in each of `formats` ("csv", "xarf"). With a
    /// `mailer`, mails them in one message (an ISP with no hosts in the period is not mailed).
    Result<ReportRun> run(const store::IspRecord& isp, const ReportPeriod& period,
                          const std::vector<std::string>& formats, ReportMailer* mailer, Timestamp now);

private:
    store::IntelStore& intel_;
    store::ReportStore& reports_;
    NotifyConfig config_;
};

} // namespace kansoku::share::isp

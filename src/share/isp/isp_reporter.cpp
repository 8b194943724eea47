#include "share/isp/isp_reporter.h"

#include "share/isp/report_mail.h"

namespace kansoku::share::isp {

IspReporter::IspReporter(store::IntelStore& intel, store::ReportStore& reports, NotifyConfig config)
    : intel_(intel), reports_(reports), config_(std::move(config)) {}

Result<ReportRun> IspReporter::run(const store::IspRecord& isp, const ReportPeriod& period,
                                   const std::vector<std::string>& formats, ReportMailer* mailer, Timestamp now) {
    auto hosts = hostsInScope(intel_, isp, period);
    KANSOKU_TRY(hosts);
    ReportRun run;
    const XarfReporter reporter{config_.reporter_org, config_.from, config_.reporter_domain};
    for (const auto& format : formats) {
        if (format == "csv") {
            run.reports.push_back(buildCsvReport(isp, period, *hosts, now));
        } else if (format == "xarf") {
            run.reports.push_back(buildXarfReport(isp, period, *hosts, reporter, now));
        } else {
            return fail("report format '{}': use csv or xarf", format);
        }
    }
    std::vector<int64_t> ids;
    for (auto& report : run.reports) {
        auto id = reports_.addReport(report.record);
        KANSOKU_TRY(id);
        report.record.id = *id;
        ids.push_back(*id);
    }
    if (mailer != nullptr && !hosts->empty()) {
        run.delivery = mailer->deliver(ids, reportMail(isp, config_, period, run.reports, now));
    }
    return run;
}

} // namespace kansoku::share::isp

#include "share/isp/report_scheduler.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "share/isp/curl_mail_transport.h"
#include "share/isp/isp_reporter.h"
#include "share/isp/report_mail.h"
#include "store/open_database.h"

namespace kansoku::share::isp {
namespace {

constexpr Timestamp kMicrosPerDay = 24 * 60 * kMicrosPerMinute;
/// New ISPs and changed state are noticed at least this often.
constexpr Duration kRecheck = Duration::fromSeconds(60);

void logDelivery(const store::IspRecord& isp, int64_t hosts, const std::optional<DeliveryOutcome>& delivery) {
    if (!delivery) {
        spdlog::info("isp reports: {}: {} host(s), stored", isp.name, hosts);
        return;
    }
    spdlog::info("isp reports: {}: {} host(s), mail to {} {}: {}", isp.name, hosts, isp.abuse,
                 delivery->sent ? "sent" : (delivery->suppressed ? "suppressed" : "failed"), delivery->detail);
}

} // namespace

ScheduledReport nextReport(const NotifyConfig& config, std::optional<Timestamp> last_until, Timestamp isp_created) {
    const Timestamp interval = config.report_interval.micros();
    // An ISP's first report is due when it is added and covers the interval before.
    const Timestamp start = last_until.value_or(isp_created - interval);
    const int minute_of_day = parseReportTime(config.report_time);
    if (minute_of_day < 0) {
        return {last_until ? start + interval : isp_created, start};
    }
    const Timestamp after = last_until.value_or(isp_created);
    const Timestamp day = after - ((after % kMicrosPerDay) + kMicrosPerDay) % kMicrosPerDay;
    Timestamp due = day + minute_of_day * kMicrosPerMinute;
    if (due <= after) {
        due += kMicrosPerDay;
    }
    return {due, start};
}

bool shouldResend(const NotifyConfig& config, const std::vector<store::DeliveryRecord>& deliveries, Timestamp until,
                  Timestamp now) {
    if (deliveries.empty() || now - until >= config.report_interval.micros()) {
        return false;
    }
    for (const auto& d : deliveries) {
        if (d.outcome != store::kDeliveryFailed) {
            return false;
        }
    }
    return now - deliveries.back().ts >= config.max_backoff.micros();
}

ReportScheduler::ReportScheduler(NotifyConfig config, std::unique_ptr<store::Database> store)
    : config_(std::move(config)), store_(std::move(store)) {}

Result<std::unique_ptr<ReportScheduler>> ReportScheduler::start(const NotifyConfig& config,
                                                                const std::string& database) {
    auto store = store::openDatabase(database, store::OpenMode::ReadWriteCreate);
    KANSOKU_TRY(store);
    std::unique_ptr<ReportScheduler> scheduler(new ReportScheduler(config, std::move(*store)));
    scheduler->thread_ = std::thread([s = scheduler.get()] { s->loop(); });
    return scheduler;
}

ReportScheduler::~ReportScheduler() {
    stop();
}

void ReportScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool ReportScheduler::stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
}

bool ReportScheduler::wait(Duration d) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_for(lock, d.as<std::chrono::microseconds>(), [this] { return stopping_; });
}

void ReportScheduler::loop() {
    do {
        const Timestamp now = nowMicros();
        const auto next = runDue(now);
        Duration sleep = kRecheck;
        if (next) {
            sleep = std::clamp(Duration::fromMicros(*next - nowMicros()), Duration::fromSeconds(1), kRecheck);
        }
        if (!wait(sleep)) {
            return;
        }
    } while (true);
}

std::optional<Timestamp> ReportScheduler::runDue(Timestamp now) {
    auto isps = store_->isps();
    if (!isps) {
        spdlog::warn("isp reports: {}", isps.error().message);
        return std::nullopt;
    }
    CurlMailTransport transport(config_, [this] { return stopping(); });
    ReportMailer mailer(
        transport, *store_, config_, [this](Duration d) { return wait(d); }, nowMicros);
    ReportMailer* mail = config_.smtp_url.empty() ? nullptr : &mailer;
    IspReporter reporter(*store_, *store_, config_);
    std::optional<Timestamp> earliest;
    for (const auto& isp : *isps) {
        if (stopping()) {
            return std::nullopt;
        }
        auto last = store_->lastReportUntil(isp.name);
        if (!last) {
            spdlog::warn("isp reports: {}: {}", isp.name, last.error().message);
            continue;
        }
        auto next = nextReport(config_, *last, isp.created);
        if (next.due <= now) {
            auto run = reporter.run(isp, {next.since, now}, config_.formats, mail, now);
            if (!run) {
                spdlog::warn("isp reports: {}: {}", isp.name, run.error().message);
                continue;
            }
            logDelivery(isp, run->reports.empty() ? 0 : run->reports.front().record.hosts, run->delivery);
            next = nextReport(config_, now, isp.created);
        } else if (mail != nullptr && *last) {
            resendFailed(isp, **last, now, *mail);
        }
        earliest = earliest ? std::min(*earliest, next.due) : next.due;
    }
    return earliest;
}

void ReportScheduler::resendFailed(const store::IspRecord& isp, Timestamp until, Timestamp now, ReportMailer& mailer) {
    // The reports of the ISP's latest period (one per format), newest first.
    auto latest = store_->reports({isp.name, static_cast<int64_t>(config_.formats.size())});
    if (!latest) {
        spdlog::warn("isp reports: {}: {}", isp.name, latest.error().message);
        return;
    }
    std::vector<BuiltReport> reports;
    std::vector<int64_t> ids;
    for (const auto& listed : *latest) {
        if (listed.until != until || listed.hosts == 0) {
            continue;
        }
        auto deliveries = store_->deliveries(listed.id);
        auto full = store_->report(listed.id);
        if (!deliveries || !full || !full->has_value() || !shouldResend(config_, *deliveries, until, now)) {
            return;
        }
        ids.push_back(listed.id);
        reports.push_back(rebuiltReport(std::move(**full)));
    }
    if (reports.empty()) {
        return;
    }
    std::reverse(reports.begin(), reports.end()); // in the order they were built (CSV first)
    const ReportPeriod period{reports.front().record.since, until};
    const auto delivery = mailer.deliver(ids, reportMail(isp, config_, period, reports, now));
    logDelivery(isp, reports.front().record.hosts, delivery);
}

} // namespace kansoku::share::isp

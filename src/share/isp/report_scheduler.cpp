#include "share/isp/report_scheduler.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "share/isp/curl_mail_transport.h"
#include "share/isp/isp_reporter.h"
#include "store/sqlite_store.h"

namespace kansoku::share::isp {
namespace {

constexpr Timestamp kMicrosPerDay = 24 * 60 * kMicrosPerMinute;
/// New ISPs and changed state are noticed at least this often.
constexpr Duration kRecheck = Duration::fromSeconds(60);

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

ReportScheduler::ReportScheduler(NotifyConfig config, std::unique_ptr<store::SqliteStore> store)
    : config_(std::move(config)), store_(std::move(store)) {}

Result<std::unique_ptr<ReportScheduler>> ReportScheduler::start(const NotifyConfig& config,
                                                                const std::string& database) {
    auto store = store::SqliteStore::open(database, store::OpenMode::ReadWriteCreate);
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
    IspReporter reporter(*store_, *store_, config_);
    std::optional<Timestamp> earliest;
    for (const auto& isp : *isps) {
        auto last = store_->lastReportUntil(isp.name);
        if (!last) {
            spdlog::warn("isp reports: {}: {}", isp.name, last.error().message);
            continue;
        }
        auto next = nextReport(config_, *last, isp.created);
        if (next.due <= now) {
            const ReportPeriod period{next.since, now};
            auto run = reporter.run(isp, period, config_.formats, config_.smtp_url.empty() ? nullptr : &mailer, now);
            if (!run) {
                spdlog::warn("isp reports: {}: {}", isp.name, run.error().message);
                continue;
            }
            const int64_t hosts = run->reports.empty() ? 0 : run->reports.front().record.hosts;
            if (run->delivery) {
                spdlog::info("isp reports: {}: {} host(s), mail to {} {}: {}", isp.name, hosts, isp.abuse,
                             run->delivery->sent ? "sent" : (run->delivery->suppressed ? "suppressed" : "failed"),
                             run->delivery->detail);
            } else {
                spdlog::info("isp reports: {}: {} host(s), stored", isp.name, hosts);
            }
            next = nextReport(config_, now, isp.created);
            if (stopping()) {
                return std::nullopt;
            }
        }
        earliest = earliest ? std::min(*earliest, next.due) : next.due;
    }
    return earliest;
}

} // namespace kansoku::share::isp

#include "app/center_runtime.h"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "store/open_database.h"

namespace kansoku::app {
namespace {

Result<void> makeParentDirectory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) {
        return {};
    }
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
        return fail("cannot create directory {}: {}", parent.string(), ec.message());
    }
    return {};
}

/// GET /api/v1/status and /metrics: this process and its event bus.
class BusStatus : public web::StatusProvider {
public:
    BusStatus(const transport::EventBus& bus, std::string sensor, const EventOutputs* outputs,
              std::function<void(web::ProcessStatus&)> transport_status)
        : bus_(bus), sensor_(std::move(sensor)), outputs_(outputs), transport_status_(std::move(transport_status)) {}

    web::ProcessStatus status() const override {
        const auto counters = bus_.counters();
        web::ProcessStatus s{KANSOKU_VERSION,
                             sensor_,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(),
                             counters.published,
                             counters.dropped,
                             {}};
        for (const auto& c : counters.consumers) {
            s.consumers.push_back({c.name, c.delivered, c.errors + c.flush_errors});
        }
        s.events_queued = counters.queued;
        s.events_max_queued = counters.max_queued;
        if (outputs_ != nullptr) {
            const auto writes = outputs_->storeWrites();
            s.store_commits = writes.commits;
            s.store_commit_seconds = static_cast<double>(writes.micros) / 1e6;
            s.store_commit_seconds_max = static_cast<double>(writes.max_micros) / 1e6;
        }
        if (transport_status_) {
            transport_status_(s);
        }
        return s;
    }

private:
    const transport::EventBus& bus_;
    std::string sensor_;
    const EventOutputs* outputs_;
    std::function<void(web::ProcessStatus&)> transport_status_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace

Result<std::unique_ptr<CenterRuntime>> CenterRuntime::create(const Config& config, transport::EventBus& bus,
                                                             CenterOptions options) {
    std::unique_ptr<CenterRuntime> center(new CenterRuntime());
    const auto& storage = config.storage;
    std::error_code ec;
    std::filesystem::create_directories(storage.data_dir, ec);
    if (ec) {
        return fail("data directory {}: {}", storage.data_dir, ec.message());
    }
    KANSOKU_TRY(makeParentDirectory(storage.database));
    KANSOKU_TRY(makeParentDirectory(storage.events_jsonl));
    auto outputs = EventOutputs::open({options.jsonl_stdout, storage.events_jsonl, storage.location(),
                                       store::StoreSink::Batched{storage.batch_size}});
    KANSOKU_TRY(outputs);
    center->outputs_ = std::move(*outputs);
    // Before subscribing: the bus must not keep consumers of a center that failed to start.
    center->partner_intel_ = std::make_unique<intel::PartnerIntel>();
    if (!storage.location().empty()) {
        auto database = store::openDatabase(storage.location(), store::OpenMode::ReadWriteCreate);
        KANSOKU_TRY(database);
        KANSOKU_TRY(center->partner_intel_->reload(**database, nowMicros()));
    }
    auto correlation = CorrelationRuntime::create(config, bus, center->partner_intel_.get());
    KANSOKU_TRY(correlation);
    center->correlation_ = std::move(*correlation);
    if (options.web && config.web.enabled) {
        center->status_ =
            std::make_unique<BusStatus>(bus, config.sensor_name, center->outputs_.get(), options.transport_status);
        auto web = web::WebService::start(config.web, *center->status_, storage.location(), config.sharing,
                                          center->correlation_ ? center->correlation_->origins() : nullptr,
                                          config.honeypot.samples_dir);
        KANSOKU_TRY(web);
        center->web_ = std::move(*web);
    }
    if (config.notify.schedule && !storage.location().empty()) {
        auto reports = share::isp::ReportScheduler::start(config.notify, storage.location());
        KANSOKU_TRY(reports);
        center->reports_ = std::move(*reports);
    }
    if (options.sharing && !storage.location().empty() &&
        (!config.sharing.communities.empty() || !config.sharing.feeds.empty())) {
        auto sharing = share::SharingScheduler::start(
            config.sharing, storage.location(),
            [partners = center->partner_intel_.get()](store::PartnerIntelStore& store) {
                (void)partners->reload(store, nowMicros()); // on failure the old index stays
            });
        KANSOKU_TRY(sharing);
        center->sharing_ = std::move(*sharing);
        std::string communities;
        for (const auto& c : config.sharing.communities) {
            communities += (communities.empty() ? "" : ", ") + c;
        }
        center->sharing_notice_ = fmt::format(
            "sharing: publishing to {} every {}; {} partner feed{} pulled ({} partner indicator values loaded)",
            communities.empty() ? std::string("no community") : communities, config.sharing.publish_interval.toString(),
            config.sharing.feeds.size(), config.sharing.feeds.size() == 1 ? "" : "s",
            center->partner_intel_->snapshot()->size());
    }
    for (auto& [name, sink] : center->outputs_->consumers()) {
        bus.subscribe(name, *sink);
    }
    if (center->correlation_) {
        bus.subscribe("correlation", center->correlation_->consumer());
    }
    if (center->web_) {
        bus.subscribe("web", center->web_->events()); // the live stream and the event counters of /metrics
    }
    center->database_ = storage.location();
    center->events_file_ = storage.events_jsonl;
    return center;
}

std::vector<std::string> CenterRuntime::notices() const {
    std::vector<std::string> lines;
    if (web_) {
        lines.push_back(fmt::format("web: serving {} (the dashboard; the API under /api/v1/)", web_->url()));
    }
    if (correlation_) {
        lines.insert(lines.end(), correlation_->notices().begin(), correlation_->notices().end());
    }
    if (sharing_) {
        lines.push_back(sharing_notice_);
    }
    return lines;
}

void CenterRuntime::stop() {
    if (sharing_) {
        sharing_->stop();
    }
    if (reports_) {
        reports_->stop();
    }
    if (web_) {
        web_->stop();
    }
}

std::string CenterRuntime::destinations() const {
    return fmt::format("events stored in {} and appended to {}", database_.empty() ? "(no database)" : database_,
                       events_file_.empty() ? "(no events file)" : events_file_);
}

} // namespace kansoku::app

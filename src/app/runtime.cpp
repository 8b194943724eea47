#include "app/runtime.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "app/stored_event_check.h"

namespace kansoku::app {
namespace {

/// /api/v1/status, /api/v1/sensors and /metrics of `kansoku center`: the stream and each sensor's link.
void fillTransportStatus(const transport::JetStreamCenterBus& bus, web::ProcessStatus& s) {
    const auto c = bus.transportCounters();
    web::TransportStatus t;
    t.connected = c.connected;
    t.fetched = c.fetched;
    t.delivered = c.delivered;
    t.acknowledged = c.acknowledged;
    t.nacked = c.nacked;
    t.redelivered = c.redelivered;
    t.already_stored = c.already_stored;
    t.dead_letter_errors = c.dead_letter_errors;
    for (size_t i = 0; i < transport::kRefusalCount; ++i) {
        t.refused.emplace_back(std::string(transport::refusalName(static_cast<transport::Refusal>(i))), c.refused[i]);
    }
    s.transport = std::move(t);
    for (const auto& loss : bus.losses().snapshot()) {
        web::SensorLinkStatus link;
        link.sensor = loss.sensor;
        link.last_contact = loss.last_contact;
        link.last_event_ts = loss.last_event_ts;
        link.lag_seconds = loss.lag_seconds;
        link.events = loss.events;
        link.redeliveries = loss.redeliveries;
        link.highest_sequence = loss.highest_sequence;
        link.missing = loss.missing;
        for (const auto& gap : loss.gaps) {
            if (gap.first <= gap.last) {
                link.gaps.push_back({gap.first, gap.last, gap.noticed});
            }
        }
        link.silent = loss.silent;
        if (loss.has_heartbeat) {
            const auto& h = loss.heartbeat;
            link.heartbeat = web::SensorHeartbeatStatus{
                loss.heartbeat_ts, h.sequence, h.captured,     h.dropped_kernel, h.spooled, h.spool_pending,
                h.spool_dropped,   h.sent,     h.acknowledged, h.duplicates,     h.resends, h.reconnects};
        }
        s.sensors.push_back(std::move(link));
    }
}

} // namespace

Result<std::unique_ptr<Runtime>> Runtime::start(const Config& config, RuntimeOptions options) {
    std::unique_ptr<Runtime> runtime(new Runtime());
    switch (options.role) {
    case Role::All:
        runtime->bus_ = std::make_unique<transport::InProcessBus>(options.bus);
        break;
    case Role::Sensor: {
        auto bus = transport::JetStreamSensorBus::open({config.sensor_name, config.transport, options.drain_timeout});
        KANSOKU_TRY(bus);
        runtime->sensor_bus_ = bus->get();
        runtime->bus_ = std::move(*bus);
        break;
    }
    case Role::Center: {
        auto bus = transport::JetStreamCenterBus::open({config.sensor_name, config.transport, {}});
        KANSOKU_TRY(bus);
        runtime->center_bus_ = bus->get();
        runtime->bus_ = std::move(*bus);
        auto* center_bus = runtime->center_bus_;
        options.center.transport_status = [center_bus](web::ProcessStatus& s) { fillTransportStatus(*center_bus, s); };
        break;
    }
    }
    if (options.role != Role::Sensor) {
        auto center = CenterRuntime::create(config, *runtime->bus_, options.center);
        KANSOKU_TRY(center);
        runtime->center_ = std::move(*center);
    }
    if (runtime->center_bus_ != nullptr && !config.storage.location().empty()) {
        auto check = StoredEventCheck::open(config.storage.location());
        KANSOKU_TRY(check);
        runtime->center_bus_->setAlreadyStored([check = std::shared_ptr<StoredEventCheck>(std::move(*check))](
                                                   const Event& e) { return check->contains(e); });
    }
    if (runtime->center_bus_ != nullptr) {
        auto samples = CenterSamples::open(config, runtime->bus_->publisher(transport::Overflow::Block));
        KANSOKU_TRY(samples);
        runtime->center_samples_ = std::move(*samples);
    }
    if (options.role != Role::Center) {
        auto sensor = SensorRuntime::create(config, *runtime->bus_, options.sensor);
        KANSOKU_TRY(sensor);
        runtime->sensor_ = std::move(*sensor);
    }
    if (runtime->sensor_bus_ != nullptr && runtime->sensor_->honeypots() != nullptr) {
        auto& store = runtime->sensor_->honeypots()->sampleStore();
        auto uplink = transport::SampleUplink::open(config.sensor_name, config.transport.nats,
                                                    [&store](const std::string& sha256) { return store.read(sha256); });
        KANSOKU_TRY(uplink);
        runtime->uplink_ = std::move(*uplink);
        runtime->bus_->subscribe("sample_uplink", *runtime->uplink_);
    }
    runtime->drain_timeout_ = options.drain_timeout;
    KANSOKU_TRY(runtime->bus_->start());
    if (runtime->center_samples_) {
        runtime->center_samples_->start();
    }
    if (runtime->uplink_) {
        runtime->uplink_->start();
    }
    if (runtime->sensor_) {
        runtime->sensor_->start();
    }
    return runtime;
}

Runtime::~Runtime() {
    (void)stop();
}

void Runtime::wait(const std::atomic<bool>& stop, bool until_darknet_done) {
    auto* darknet = sensor_ ? sensor_->darknet() : nullptr;
    while (!stop.load()) {
        if (until_darknet_done && (darknet == nullptr || darknet->finished())) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

Result<void> Runtime::stop() {
    if (stopped_) {
        return stop_result_;
    }
    stopped_ = true;
    if (center_) {
        center_->stop();
    }
    if (sensor_) {
        sensor_->stop();
    }
    if (center_samples_) {
        center_samples_->stop(); // its pipeline's last events still go through the bus below
    }
    stop_result_ = bus_->stop();
    if (uplink_) {
        uplink_->stop(drain_timeout_); // after the bus delivered the last `sample` events to it
    }
    return stop_result_;
}

std::vector<std::string> Runtime::listening() const {
    return sensor_ ? sensor_->listening() : std::vector<std::string>{};
}

std::vector<std::string> Runtime::notices() const {
    std::vector<std::string> lines = center_ ? center_->notices() : std::vector<std::string>{};
    if (center_samples_) {
        lines.insert(lines.end(), center_samples_->notices().begin(), center_samples_->notices().end());
    }
    if (sensor_) {
        for (auto& line : sensor_->notices()) {
            lines.push_back(std::move(line));
        }
    }
    return lines;
}

std::string Runtime::transportSummary() const {
    if (sensor_bus_ != nullptr) {
        const auto c = sensor_bus_->lossCounters();
        std::string samples;
        if (uplink_) {
            const auto u = uplink_->counters();
            samples = fmt::format("nats samples: {} queued, {} sent ({} already on the stream), {} still queued, {} "
                                  "too large, {} unreadable, {} failed attempts{}{}\n",
                                  u.queued, u.sent, u.duplicates, u.pending, u.too_large, u.unreadable, u.failures,
                                  u.last_error.empty() ? "" : ": ", u.last_error);
        }
        return samples +
               fmt::format("nats: sequence {}, {} spooled, {} sent, acknowledged up to {}, {} still spooled, {} "
                           "dropped (spool full), {} duplicates, {} resent windows\n",
                           c.sequence, c.spooled, c.sent, c.acknowledged, c.spool_pending, c.spool_dropped,
                           c.duplicates, c.resends);
    }
    if (center_bus_ != nullptr) {
        const auto c = center_bus_->transportCounters();
        uint64_t refused = 0;
        for (const auto n : c.refused) {
            refused += n;
        }
        return fmt::format("nats: {} fetched, {} stored, {} acknowledged, {} redelivered ({} already stored), {} "
                           "refused (dead-lettered), {} nacked\n",
                           c.fetched, c.delivered, c.acknowledged, c.redelivered, c.already_stored, refused, c.nacked) +
               (center_samples_ ? center_samples_->summary() : std::string());
    }
    return {};
}

std::string Runtime::summary() const {
    const auto c = bus_->counters();
    std::string text = fmt::format("event bus: {} events, {} dropped (bus full or stopped), {} producer waits, "
                                   "{} queued at most",
                                   c.published, c.dropped, c.blocked, c.max_queued);
    for (const auto& consumer : c.consumers) {
        text += fmt::format("; {} {}", consumer.name, consumer.delivered);
        if (consumer.errors > 0 || consumer.flush_errors > 0) {
            text += fmt::format(" ({} errors, {} failed flushes: {})", consumer.errors, consumer.flush_errors,
                                consumer.last_error);
        }
    }
    text += "\n";
    text += transportSummary();
    if (center_) {
        text += center_->destinations() + "\n";
    }
    if (const auto* honeypots = sensor_ ? sensor_->honeypots() : nullptr) {
        text += honeypots->summary();
    }
    return text;
}

} // namespace kansoku::app

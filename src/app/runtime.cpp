#include "app/runtime.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace kansoku::app {

Result<std::unique_ptr<Runtime>> Runtime::start(const Config& config, RuntimeOptions options) {
    std::unique_ptr<Runtime> runtime(new Runtime());
    runtime->bus_ = std::make_unique<transport::InProcessBus>(options.bus);
    auto center = CenterRuntime::create(config, *runtime->bus_, options.center);
    KANSOKU_TRY(center);
    runtime->center_ = std::move(*center);
    auto sensor = SensorRuntime::create(config, *runtime->bus_, options.sensor);
    KANSOKU_TRY(sensor);
    runtime->sensor_ = std::move(*sensor);
    KANSOKU_TRY(runtime->bus_->start());
    runtime->sensor_->start();
    return runtime;
}

Runtime::~Runtime() {
    (void)stop();
}

void Runtime::wait(const std::atomic<bool>& stop, bool until_darknet_done) {
    auto* darknet = sensor_->darknet();
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
    stop_result_ = bus_->stop();
    return stop_result_;
}

std::vector<std::string> Runtime::notices() const {
    auto lines = center_->notices();
    for (auto& line : sensor_->notices()) {
        lines.push_back(std::move(line));
    }
    return lines;
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
    text += "\n" + center_->destinations() + "\n";
    if (const auto* honeypots = sensor_->honeypots()) {
        text += honeypots->summary();
    }
    return text;
}

} // namespace kansoku::app

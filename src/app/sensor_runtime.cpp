#include "app/sensor_runtime.h"

namespace kansoku::app {

Result<std::unique_ptr<SensorRuntime>> SensorRuntime::create(const Config& config, transport::EventBus& bus,
                                                             SensorOptions options) {
    std::unique_ptr<SensorRuntime> sensor(new SensorRuntime());
    if (options.honeypots && config.honeypot.enabled) {
        // Honeypot events come from an event loop that serves attackers: never wait on the bus.
        auto honeypots = HoneypotRuntime::start(config, bus.publisher(transport::Overflow::Drop));
        KANSOKU_TRY(honeypots);
        sensor->honeypots_ = std::move(*honeypots);
    }
    if (options.darknet) {
        // Darknet events are aggregates (a few per source); waiting for room loses nothing, and a
        // live capture that falls behind is counted by the kernel (capture.stats dropped_kernel).
        auto darknet = DarknetRuntime::open(config, bus.publisher(transport::Overflow::Block), options.replay_demo);
        KANSOKU_TRY(darknet);
        sensor->darknet_ = std::move(*darknet);
    }
    // Last, once nothing can fail: the bus must not keep a consumer of a sensor that failed to start.
    if (sensor->honeypots_ != nullptr && sensor->honeypots_->cowrieLog() != nullptr) {
        bus.subscribe("cowrie_log", *sensor->honeypots_->cowrieLog());
    }
    return sensor;
}

SensorRuntime::~SensorRuntime() {
    stop();
}

void SensorRuntime::start() {
    if (honeypots_) {
        honeypot_thread_ = std::thread([this] { honeypots_->run(); });
    }
    if (darknet_) {
        darknet_->start();
    }
}

void SensorRuntime::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (darknet_) {
        darknet_->requestStop();
        darknet_->join();
    }
    if (honeypots_) {
        honeypots_->requestStop();
        if (honeypot_thread_.joinable()) {
            honeypot_thread_.join();
        }
    }
}

std::vector<std::string> SensorRuntime::listening() const {
    return honeypots_ ? honeypots_->listening() : std::vector<std::string>{};
}

std::vector<std::string> SensorRuntime::notices() const {
    std::vector<std::string> out;
    if (darknet_) {
        out = darknet_->notices();
    }
    if (honeypots_) {
        const auto& more = honeypots_->notices();
        out.insert(out.end(), more.begin(), more.end());
    }
    return out;
}

} // namespace kansoku::app

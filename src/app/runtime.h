#pragma once

/// One kansoku process assembled from config (ARCHITECTURE.md "One process on one machine"): the
/// in-process event bus, the center's consumers subscribed to it, and the sensor's producers
/// publishing to it. `kansoku run` is all of it; `kansoku honeypot` is the honeypots and the center.
/// The CLI only parses flags, prints what this reports and sets the exit code.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "app/center_runtime.h"
#include "app/config.h"
#include "app/sensor_runtime.h"
#include "transport/in_process_bus.h"

namespace kansoku::app {

struct RuntimeOptions {
    SensorOptions sensor;
    CenterOptions center;
    transport::InProcessBusOptions bus;
};

class Runtime {
public:
    /// Opens every output and source and binds every listener (a bad path or a port in use is a
    /// one-line error, before anything runs), then starts the bus and the sensor.
    static Result<std::unique_ptr<Runtime>> start(const Config& config, RuntimeOptions options);
    /// stop().
    ~Runtime();

    /// Blocks until `stop` becomes true, or, with `until_darknet_done`, also when the darknet has
    /// read its whole capture file (checked every 100 ms).
    void wait(const std::atomic<bool>& stop, bool until_darknet_done);
    /// Stops the web server (requests in flight finish) and the sensor (records closed, sessions
    /// ended), then delivers and flushes every event on the bus. Returns the first consumer's error (e.g. the store
    /// could not commit). Idempotent.
    Result<void> stop();

    SensorRuntime& sensor() { return *sensor_; }
    transport::EventBus& bus() { return *bus_; }
    std::vector<std::string> listening() const { return sensor_->listening(); }
    std::vector<std::string> notices() const;
    /// Where events went and what was dropped or failed on the way, one line per part.
    std::string summary() const;

private:
    Runtime() = default;

    // Destroyed in reverse: the sensor (producers) first, then the center, then the bus.
    std::unique_ptr<transport::InProcessBus> bus_;
    std::unique_ptr<CenterRuntime> center_;
    std::unique_ptr<SensorRuntime> sensor_;
    bool stopped_ = false;
    Result<void> stop_result_;
};

} // namespace kansoku::app

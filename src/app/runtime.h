#pragma once

/// One kansoku process assembled from config (ARCHITECTURE.md "One process on one machine"): the
/// in-process event bus, the center's consumers subscribed to it, and the sensor's producers
/// publishing to it. `kansoku run` is all of it; `kansoku honeypot` is the honeypots and the center.
/// At many sites (docs/transport.md) a process is one half over NATS JetStream: `kansoku sensor`
/// (Role::Sensor: the sensor publishing through its disk spool) and `kansoku center` (Role::Center:
/// the center consuming the stream). The CLI only parses flags, prints what this reports and sets
/// the exit code.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/center_runtime.h"
#include "app/center_samples.h"
#include "app/config.h"
#include "app/sensor_runtime.h"
#include "transport/in_process_bus.h"
#include "transport/jetstream_center_bus.h"
#include "transport/jetstream_sensor_bus.h"
#include "transport/sample_uplink.h"

namespace kansoku::app {

/// Which halves run in this process, and over which bus.
enum class Role : uint8_t {
    All,    ///< sensor and center, in-process bus
    Sensor, ///< the sensor, publishing to the JetStream stream ([transport])
    Center, ///< the center, consuming the JetStream stream ([transport])
};

struct RuntimeOptions {
    Role role = Role::All;
    SensorOptions sensor;
    CenterOptions center;
    transport::InProcessBusOptions bus;
    /// Role::Sensor: at stop, the spool is sent for at most this long (the rest goes at the next start).
    std::chrono::milliseconds drain_timeout{10000};
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

    /// Role::All and Role::Sensor only.
    SensorRuntime& sensor() { return *sensor_; }
    bool hasSensor() const { return sensor_ != nullptr; }
    transport::EventBus& bus() { return *bus_; }
    std::vector<std::string> listening() const;
    std::vector<std::string> notices() const;
    /// Where events went and what was dropped or failed on the way, one line per part.
    std::string summary() const;

private:
    Runtime() = default;

    std::string transportSummary() const;

    // Destroyed in reverse: the sensor (producers) first, then the center, then the bus.
    /// Role::Sensor with honeypots: sends the samples they collect (a consumer of bus_, so it outlives it).
    std::unique_ptr<transport::SampleUplink> uplink_;
    std::unique_ptr<transport::EventBus> bus_;
    /// Role::Center: samples from sensors into the center's store and pipeline (publishing to bus_).
    std::unique_ptr<CenterSamples> center_samples_;
    transport::JetStreamSensorBus* sensor_bus_ = nullptr; ///< bus_, with Role::Sensor
    transport::JetStreamCenterBus* center_bus_ = nullptr; ///< bus_, with Role::Center
    std::unique_ptr<CenterRuntime> center_;
    std::unique_ptr<SensorRuntime> sensor_;
    std::chrono::milliseconds drain_timeout_{0};
    bool stopped_ = false;
    Result<void> stop_result_;
};

} // namespace kansoku::app

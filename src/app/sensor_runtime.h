#pragma once

/// A sensor site's half of kansoku (ARCHITECTURE.md "Data flow"): the darknet capture and the
/// honeypots with their sample pipeline, built from config, publishing every event to the bus.
/// It knows nothing of who consumes them (the center, in this process or at another site).

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "app/darknet_runtime.h"
#include "app/honeypot_runtime.h"
#include "transport/event_bus.h"

namespace kansoku::app {

struct SensorOptions {
    bool darknet = true;   ///< the darknet capture (live interface or demo capture)
    bool honeypots = true; ///< the honeypots, if [honeypot] enabled
    /// With no interface: after the demo capture, replay new demo scenarios in real time until stopped
    /// (`kansoku run` without --once).
    bool replay_demo = false;
};

class SensorRuntime {
public:
    /// Builds what `options` and the config enable and starts it: the darknet on its thread, the
    /// honeypots' event loop on another. Their Cowrie log (if configured) is subscribed to `bus`
    /// here, so subscribe everything else before calling and start the bus after.
    static Result<std::unique_ptr<SensorRuntime>> create(const Config& config, transport::EventBus& bus,
                                                         SensorOptions options);
    /// stop().
    ~SensorRuntime();

    void start();
    /// Stops the darknet (its open records are closed and published) and the honeypots (sessions
    /// closed, running analyses end at their timeout). Idempotent.
    void stop();

    DarknetRuntime* darknet() { return darknet_.get(); }
    HoneypotRuntime* honeypots() { return honeypots_.get(); }
    /// Listening sockets and notices of every part, for the operator.
    std::vector<std::string> listening() const;
    std::vector<std::string> notices() const;

private:
    SensorRuntime() = default;

    std::unique_ptr<DarknetRuntime> darknet_;
    std::unique_ptr<HoneypotRuntime> honeypots_;
    std::thread honeypot_thread_;
    bool stopped_ = false;
};

} // namespace kansoku::app

#pragma once

/// The center's half of kansoku (ARCHITECTURE.md "Data flow"): the consumers of events. Today the
/// store ([storage] database), the events file ([storage] events_jsonl) and, on request, JSON lines
/// on stdout, each subscribed to the bus by name. Correlation, sharing and the web server plug in
/// here as further consumers (addConsumer).

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/event_outputs.h"
#include "transport/event_bus.h"

namespace kansoku::app {

struct CenterOptions {
    bool jsonl_stdout = false; ///< also every event as a JSON line on stdout
};

class CenterRuntime {
public:
    /// Creates the data directory, opens the store and the events file (a bad path fails here) and
    /// subscribes them to `bus`.
    static Result<std::unique_ptr<CenterRuntime>> create(const Config& config, transport::EventBus& bus,
                                                         CenterOptions options);

    /// Where the events went, for the operator ("events stored in var/kansoku.db and appended to ...").
    std::string destinations() const;

private:
    CenterRuntime() = default;
    std::unique_ptr<EventOutputs> outputs_;
    std::string database_;
    std::string events_file_;
};

} // namespace kansoku::app

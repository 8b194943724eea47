#pragma once

/// Correlation as an event-bus consumer (`kansoku run`): every event goes to a Correlator; on each
/// flush (the bus flushes its consumers every second and at stop) the hosts and C2 endpoints that
/// changed are upserted into the intel tables and announced as `intel.infected_host` / `intel.c2`
/// events on `output` (the bus itself: correlation's events reach the store and the events file
/// like any other).

#include <memory>
#include <string>

#include "common/event_sink.h"
#include "intel/correlator.h"
#include "store/database.h"

namespace kansoku::intel {

class CorrelationConsumer final : public EventSink {
public:
    /// `database` (its own connection; may be null: events only) and `output` must outlive it.
    CorrelationConsumer(std::unique_ptr<Correlator> correlator, store::Database* database, EventSink& output,
                        std::string sensor);

    /// Never throws: hostile events are counted by the correlator.
    void publish(const Event& event) override;
    /// Writes and announces what changed; the first database failure is returned (the rows of that
    /// flush are lost, the events still go out).
    Result<void> flush() override;

    CorrelatorCounters counters() const { return correlator_->counters(); }
    uint64_t announced() const { return announced_; }

private:
    Result<void> write(const CorrelationUpdates& updates);

    std::unique_ptr<Correlator> correlator_;
    store::Database* database_;
    EventSink& output_;
    std::string sensor_;
    uint64_t announced_ = 0;
};

} // namespace kansoku::intel

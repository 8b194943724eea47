#pragma once

/// Correlation in `kansoku run` (issue 11 item 2): an intel::CorrelationConsumer subscribed to the
/// bus as "correlation" by the center, with its own connection to [storage] database for the intel tables, the
/// enrichment data when installed and the benign warning lists when configured. Its
/// intel.infected_host / intel.c2 events go back onto the bus.

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "intel/correlation_consumer.h"
#include "intel/enricher.h"
#include "intel/partner_intel.h"
#include "intel/warning_lists.h"
#include "store/database.h"
#include "transport/event_bus.h"

namespace kansoku::app {

class CorrelationRuntime {
public:
    /// nullptr when [intel.correlation] enabled is false. Fails on a database or warning-list
    /// error; missing enrichment data only leaves asn/country empty (said in notices()).
    /// `partners` (partners' indicators to match; may be null) must outlive the runtime.
    static Result<std::unique_ptr<CorrelationRuntime>> create(const Config& config, transport::EventBus& bus,
                                                              const intel::PartnerIntel* partners);

    /// What to subscribe to the bus (as "correlation"); its events are published on the bus given to create().
    EventSink& consumer() { return *consumer_; }
    const std::vector<std::string>& notices() const { return notices_; }
    /// AS and country of addresses (for the dashboard's sources); null without enrichment data.
    const AddressOrigins* origins() const { return enricher_.get(); }

private:
    CorrelationRuntime() = default;
    std::unique_ptr<store::Database> database_;
    std::unique_ptr<intel::Enricher> enricher_;
    std::unique_ptr<intel::WarningLists> benign_;
    std::unique_ptr<intel::CorrelationConsumer> consumer_; // after what it uses
    std::vector<std::string> notices_;
};

} // namespace kansoku::app

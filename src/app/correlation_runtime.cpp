#include "app/correlation_runtime.h"

#include "app/benign_scanners.h"
#include "store/open_database.h"

namespace kansoku::app {

Result<std::unique_ptr<CorrelationRuntime>> CorrelationRuntime::create(const Config& config, transport::EventBus& bus,
                                                                       const intel::PartnerIntel* partners) {
    const intel::CorrelationConfig& options = config.intel.correlation;
    if (!options.enabled) {
        return nullptr;
    }
    std::unique_ptr<CorrelationRuntime> runtime(new CorrelationRuntime());
    if (!config.storage.location().empty()) {
        auto database = store::openDatabase(config.storage.location(), store::OpenMode::ReadWriteCreate);
        KANSOKU_TRY(database);
        runtime->database_ = std::move(*database);
    }
    auto enricher = intel::Enricher::open(config.intel.enrichment);
    if (enricher) {
        runtime->enricher_ = std::move(*enricher);
    } else {
        runtime->notices_.push_back("correlation: infected hosts without AS and country (" + enricher.error().message +
                                    ")");
    }
    auto benign = loadBenignScanners(config.intel, "");
    KANSOKU_TRY(benign);
    runtime->benign_ = std::move(*benign);
    auto correlator = std::make_unique<intel::Correlator>(options, runtime->enricher_.get(), runtime->benign_.get());
    correlator->setPartnerIntel(partners);
    runtime->consumer_ = std::make_unique<intel::CorrelationConsumer>(
        std::move(correlator), runtime->database_.get(), bus.publisher(transport::Overflow::Drop), config.sensor_name);
    runtime->notices_.push_back(
        "correlation: infected hosts and C2 as intel.* events" +
        (config.storage.location().empty() ? std::string() : " and rows in " + config.storage.location()));
    return runtime;
}

} // namespace kansoku::app

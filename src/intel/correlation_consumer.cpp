#include "intel/correlation_consumer.h"

#include "intel/intel_events.h"

namespace kansoku::intel {

CorrelationConsumer::CorrelationConsumer(std::unique_ptr<Correlator> correlator, store::Database* database,
                                         EventSink& output, std::string sensor)
    : correlator_(std::move(correlator)), database_(database), output_(output), sensor_(std::move(sensor)) {}

void CorrelationConsumer::publish(const Event& event) {
    correlator_->observe(event);
}

Result<void> CorrelationConsumer::flush() {
    const CorrelationUpdates updates = correlator_->takeUpdates();
    if (updates.empty()) {
        return {};
    }
    Result<void> written = write(updates);
    for (size_t i = 0; i < updates.hosts.size(); ++i) {
        if (updates.announce[i]) {
            output_.publish(infectedHostEvent(updates.hosts[i], sensor_));
            ++announced_;
        }
    }
    for (const store::C2Record& c2 : updates.c2) {
        output_.publish(c2Event(c2, sensor_));
        ++announced_;
    }
    for (const store::PartnerSightingRecord& sighting : updates.sightings) {
        output_.publish(partnerSightingEvent(sighting, sensor_));
        ++announced_;
    }
    return written;
}

Result<void> CorrelationConsumer::write(const CorrelationUpdates& updates) {
    if (database_ == nullptr) {
        return {};
    }
    KANSOKU_TRY(database_->begin());
    const Timestamp now = nowMicros();
    Result<void> done;
    for (const store::InfectedHostRecord& host : updates.hosts) {
        if (done = database_->upsertInfectedHost(host, now); !done) {
            break;
        }
    }
    for (const store::C2Record& c2 : updates.c2) {
        if (!done) {
            break;
        }
        done = database_->upsertC2(c2);
    }
    if (done) {
        done = database_->addPartnerSightings(updates.sightings);
    }
    if (!done) {
        database_->rollback();
        return done;
    }
    return database_->commit();
}

} // namespace kansoku::intel

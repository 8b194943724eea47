#include "share/stix/stix_producer.h"

#include <fmt/format.h>

#include "share/stix/stix_producer_run.h"
#include "store/database.h"
#include "store/event_body_scan.h"

namespace kansoku::share::stix {

StixProducer::StixProducer(store::Database& store, ProducerIdentity identity)
    : StixProducer(store, std::move(identity), StixConfig{}) {}

StixProducer::StixProducer(store::Database& store, ProducerIdentity identity, StixConfig config)
    : store_(store), identity_(std::move(identity)), config_(std::move(config)) {}

Result<void> StixProducer::produce(const ProduceScope& scope, const Sink& sink) {
    counts_ = {};
    auto addresses = SubscriberAddressMap::create(scope.subscribers, scope.pseudonymKey);
    KANSOKU_TRY(addresses);
    detail::ProducerRun run(store_, config_, identity_, scope, *addresses, sink, counts_);
    return run.run();
}

namespace detail {
namespace {

Tlp tlpOr(std::string_view name, Tlp fallback) {
    return parseTlp(name).value_or(fallback);
}

} // namespace

ProducerRun::ProducerRun(store::Database& store, const StixConfig& config, const ProducerIdentity& identity,
                         const ProduceScope& scope, const SubscriberAddressMap& addresses,
                         const StixProducer::Sink& sink, ProduceCounts& counts)
    : store_(store), config_(config), scope_(scope), addresses_(addresses), sink_(sink), counts_(counts),
      builder_(identity) {
    tlps_.statistics = tlpOr(config.tlp_statistics, Tlp::Green);
    tlps_.c2 = tlpOr(config.tlp_c2, Tlp::Green);
    tlps_.malware = tlpOr(config.tlp_malware, Tlp::Green);
    tlps_.hosts = tlpOr(config.tlp_hosts, Tlp::Amber);
}

Result<void> ProducerRun::run() {
    for (const Tlp tlp : {Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red}) {
        StixObject marking{std::string(tlpMarkingId(tlp)), "marking-definition", std::string(kTlpMarkingCreated),
                           Tlp::Clear, tlpMarkingJson(tlp)};
        KANSOKU_TRY(emit(std::move(marking)));
    }
    KANSOKU_TRY(emit(builder_.identity()));
    KANSOKU_TRY(loadSamples());
    KANSOKU_TRY(loadC2());
    KANSOKU_TRY(loadHosts());
    KANSOKU_TRY(emitMalware());
    KANSOKU_TRY(emitC2());
    KANSOKU_TRY(emitHosts());
    KANSOKU_TRY(emitPortStatistics());
    return emitOutbreakReports();
}

Result<void> ProducerRun::scanEvents(std::string_view type,
                                     const std::function<void(const nlohmann::json& body, Timestamp ts)>& visit) {
    return store::forEachEventBody(store_, type, scope_.since, visit);
}

Result<void> ProducerRun::emit(StixObject&& object) {
    ++counts_.by_type[object.type];
    ++counts_.objects;
    return sink_(std::move(object));
}

Result<void> ProducerRun::emitObservable(nlohmann::ordered_json&& object, Tlp tlp, Timestamp stamp) {
    if (!observables_.insert(object["id"].get<std::string>()).second) {
        return {};
    }
    return emit(std::move(object), tlp, stamp);
}

Result<void> ProducerRun::emitRelationship(const std::string& source, std::string_view type, const std::string& target,
                                           Timestamp created, Timestamp modified, Tlp tlp) {
    return emit(builder_.relationship(source, type, target, created, modified), tlp, modified);
}

std::string ProducerRun::addressId(std::string_view type, std::string_view value) const {
    return scoId(type, {{"value", value}});
}

std::string ProducerRun::malwareId(std::string_view family) const {
    return builder_.ids().id("malware", fmt::format("malware|family|{}", family));
}

std::string ProducerRun::fileId(const std::string& sha256, const SampleInfo& sample) const {
    nlohmann::ordered_json hashes = {{"SHA-256", sha256}};
    if (!sample.md5.empty()) {
        hashes["MD5"] = sample.md5;
    }
    return scoId("file", {{"hashes", hashes}});
}

} // namespace detail
} // namespace kansoku::share::stix

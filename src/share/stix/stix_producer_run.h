#pragma once

/// One StixProducer::produce() call: what it read and what it emitted so far (internal to
/// share/stix). Split by concern: stix_producer_malware.cpp (samples, families, attack patterns),
/// stix_producer_c2.cpp, stix_producer_hosts.cpp, stix_producer_statistics.cpp (port statistics,
/// outbreak reports).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "share/stix/stix_object_builder.h"
#include "share/stix/stix_producer.h"
#include "store/infected_host_record.h"

namespace kansoku::share::stix::detail {

/// STIX 2.1: count and number_observed stay below one billion.
inline constexpr int64_t kMaxStixCount = 999'999'999;

/// The string member `key` of an event body, or "".
inline std::string bodyText(const nlohmann::json& body, const char* key) {
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The TLP of each kind of object (StixConfig's tlp_* keys).
struct KindTlps {
    Tlp statistics = Tlp::Green;
    Tlp c2 = Tlp::Green;
    Tlp malware = Tlp::Green;
    Tlp hosts = Tlp::Amber;
};

/// A stored sample, from its latest `sample` event and its `sandbox.report`s.
struct SampleInfo {
    std::string md5, sha1;
    int64_t size = 0;
    std::string file_type;
    Timestamp first_seen = 0, last_seen = 0;
    int64_t count = 1;
    std::string family;          ///< "" while unknown
    std::set<std::string> mitre; ///< ATT&CK technique ids from its sandbox signatures
    bool stored = false;         ///< a `sample` event was seen (else only a sandbox report or a C2 record names it)
};

/// What kansoku knows of one malware family.
struct FamilyInfo {
    Timestamp first_seen = INT64_MAX, last_seen = 0;
    std::set<std::string> samples; ///< SHA-256
    uint64_t c2 = 0, hosts = 0;
    void widen(Timestamp first, Timestamp last) {
        first_seen = std::min(first_seen, first);
        last_seen = std::max(last_seen, last);
    }
};

class ProducerRun {
public:
    ProducerRun(store::Database& store, const StixConfig& config, const ProducerIdentity& identity,
                const ProduceScope& scope, const SubscriberAddressMap& addresses, const StixProducer::Sink& sink,
                ProduceCounts& counts);

    Result<void> run();

    // stix_producer_malware.cpp
    Result<void> loadSamples();
    Result<void> emitMalware();
    // stix_producer_c2.cpp
    Result<void> loadC2();
    Result<void> emitC2();
    // stix_producer_hosts.cpp
    Result<void> loadHosts();
    Result<void> emitHosts();
    // stix_producer_statistics.cpp
    Result<void> emitPortStatistics();
    /// Sets `out` to a network-traffic observable to `port` on the darknet from `start` to `end`; its id.
    std::string trafficObservable(nlohmann::ordered_json& out, const std::string& proto, int64_t port, Timestamp start,
                                  Timestamp end);
    /// The darknet's ipv4-addr observable (config darknet_address), once.
    Result<void> emitDarknetObservable(Timestamp stamp);
    Result<void> emitOutbreakReports();

    /// Calls `visit` with the parsed body and ts of every stored event of `type` since the scope's
    /// start, in time order; bodies that are not JSON objects are skipped.
    Result<void> scanEvents(std::string_view type,
                            const std::function<void(const nlohmann::json& body, Timestamp ts)>& visit);
    /// Hands one object to the sink and counts it.
    Result<void> emit(StixObject&& object);
    Result<void> emit(nlohmann::ordered_json&& object, Tlp tlp, Timestamp stamp) {
        return emit(StixObjectBuilder::finish(std::move(object), tlp, stamp));
    }
    /// An SCO once per run (C2 addresses, pseudonyms and aggregates can coincide).
    Result<void> emitObservable(nlohmann::ordered_json&& object, Tlp tlp, Timestamp stamp);
    Result<void> emitRelationship(const std::string& source, std::string_view type, const std::string& target,
                                  Timestamp created, Timestamp modified, Tlp tlp);
    /// ipv4-addr or ipv6-addr (by the text's form) or domain-name SCO with `value`; its id.
    std::string addressId(std::string_view type, std::string_view value) const;
    std::string malwareId(std::string_view family) const;
    std::string fileId(const std::string& sha256, const SampleInfo& sample) const;

    store::Database& store_;
    const StixConfig& config_;
    const ProduceScope& scope_;
    const SubscriberAddressMap& addresses_;
    const StixProducer::Sink& sink_;
    ProduceCounts& counts_;
    StixObjectBuilder builder_;
    KindTlps tlps_;

    std::map<std::string, SampleInfo> samples_; ///< by SHA-256
    std::map<std::string, FamilyInfo> families_;
    std::vector<store::C2Record> c2_;
    std::vector<store::InfectedHostRecord> hosts_;
    std::unordered_set<std::string> observables_; ///< ids of the SCOs emitted
};

} // namespace kansoku::share::stix::detail

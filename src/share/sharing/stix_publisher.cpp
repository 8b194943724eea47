#include "share/sharing/stix_publisher.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "share/stix/stix_object_builder.h"
#include "share/stix/stix_producer.h"
#include "store/database.h"

namespace kansoku::share {
namespace {

/// Objects per transaction: large enough to amortise the commit, small enough that a partner's page
/// is not held back long.
constexpr size_t kBatch = 5000;

/// kansoku's sighting of a partner's indicator (STIX 2.1 section 5.2): who saw it (kansoku's identity),
/// how often and when; its id is named after the feed, the indicator and what saw it, so a later count
/// is a new version of the same sighting. It keeps the indicator's TLP.
std::optional<stix::StixObject> partnerSighting(const stix::StixObjectBuilder& builder,
                                                const store::PartnerSightingRecord& r) {
    const auto tlp = stix::parseTlp(r.tlp);
    if (!tlp) {
        return std::nullopt;
    }
    const std::string id =
        builder.ids().id("sighting", fmt::format("sighting|partner|{}|{}|{}", r.feed, r.indicator_id, r.observed_as));
    auto object = builder.domainObject("sighting", id, r.first_seen, r.last_seen);
    stix::appendMember(object, "description",
                       fmt::format("kansoku saw what this indicator of {} names ({})", r.feed, r.observed_as));
    stix::appendMember(object, "first_seen", stix::stixTime(r.first_seen));
    stix::appendMember(object, "last_seen", stix::stixTime(r.last_seen));
    stix::appendMember(object, "count", std::min<int64_t>(r.count, 999'999'999));
    stix::appendMember(object, "sighting_of_ref", r.indicator_id);
    stix::appendMember(object, "where_sighted_refs", nlohmann::ordered_json::array({builder.identityId()}));
    return stix::StixObjectBuilder::finish(std::move(object), *tlp, r.last_seen);
}

} // namespace

StixPublisher::StixPublisher(store::Database& store, const SharingConfig& config) : store_(store), config_(config) {}

Result<PublishCounts> StixPublisher::publish(std::string_view community, Timestamp now) {
    if (!config_.hasCommunity(community)) {
        return fail("no sharing community '{}' (sharing.communities)", community);
    }
    const CommunityPolicy policy = config_.policyOf(community);
    stix::ProduceScope scope;
    scope.community = std::string(community);
    const auto subscribers = stix::parseSubscriberPolicy(policy.subscribers);
    if (!subscribers) {
        return fail("community {}: unknown subscriber policy '{}'", community, policy.subscribers);
    }
    scope.subscribers = *subscribers;
    scope.pseudonymKey = policy.pseudonym_key;

    auto collection = store_.collectionId(community, kPublishedCollection);
    KANSOKU_TRY(collection);
    PublishCounts counts;
    std::vector<store::SharedObjectRecord> batch;
    batch.reserve(kBatch);
    auto flush = [&]() -> Result<void> {
        if (batch.empty()) {
            return {};
        }
        auto added = store_.addSharedObjects(batch, now);
        KANSOKU_TRY(added);
        counts.added += static_cast<uint64_t>(*added);
        batch.clear();
        return {};
    };
    stix::StixProducer producer(store_, stix::producerIdentity(config_.stix), config_.stix);
    const auto sink = [&](stix::StixObject&& object) -> Result<void> {
        const auto version = parseRfc3339(object.modified);
        if (!version) {
            return fail("the producer made {} with a bad modified stamp '{}'", object.id, object.modified);
        }
        store::SharedObjectRecord& record = batch.emplace_back();
        record.collection = *collection;
        record.id = std::move(object.id);
        record.type = std::move(object.type);
        record.version = std::move(object.modified);
        record.version_us = *version;
        record.tlp = std::string(stix::tlpName(object.tlp));
        record.source = std::string(kPublishedCollection);
        record.json = std::move(object.json);
        return batch.size() >= kBatch ? flush() : Result<void>();
    };
    KANSOKU_TRY(producer.produce(scope, sink));
    counts.produced = producer.counts().objects;
    counts.by_type = producer.counts().by_type;

    // Sightings of partners' indicators go to the community each feed names.
    auto sightings = store_.partnerSightings();
    KANSOKU_TRY(sightings);
    const stix::StixObjectBuilder builder(stix::producerIdentity(config_.stix));
    for (const auto& r : *sightings) {
        const FeedConfig* feed = config_.feed(r.feed);
        if (feed == nullptr || config_.sightingCommunity(*feed) != community) {
            continue;
        }
        auto object = partnerSighting(builder, r);
        if (!object) {
            continue;
        }
        ++counts.produced;
        ++counts.sightings;
        ++counts.by_type["sighting"];
        KANSOKU_TRY(sink(std::move(*object)));
    }
    KANSOKU_TRY(flush());
    return counts;
}

} // namespace kansoku::share

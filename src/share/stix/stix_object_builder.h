#pragma once

/// Builds kansoku's STIX 2.1 objects with their common properties (spec_version, deterministic id,
/// created_by_ref, created/modified, one TLP marking) and turns them into StixObjects. What each
/// object says is decided by the producer; this is only the envelope every object shares.

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "share/stix/producer_identity.h"
#include "share/stix/stix_id.h"
#include "share/stix/stix_object.h"

namespace kansoku::share::stix {

/// created/modified of objects whose content never changes (the producer identity, attack patterns).
inline constexpr Timestamp kFixedStamp = 1'767'225'600'000'000; // 2026-01-01T00:00:00Z

/// RFC 3339 UTC with milliseconds, as STIX timestamps are written: "2026-12-07T13:35:00.000Z".
std::string stixTime(Timestamp ts);

/// A single-quoted string literal of the STIX patterning language (backslash and quote escaped).
std::string patternString(std::string_view value);

/// Appends a member to an object without looking for an existing one (operator[] searches linearly):
/// for members an object gets once.
inline void appendMember(nlohmann::ordered_json& object, std::string_view key, nlohmann::ordered_json value) {
    object.get_ref<nlohmann::ordered_json::object_t&>().emplace_back(std::string(key), std::move(value));
}

class StixObjectBuilder {
public:
    explicit StixObjectBuilder(const ProducerIdentity& identity);

    const ObjectIds& ids() const { return ids_; }
    /// The producer identity's id (created_by_ref of every SDO and SRO).
    const std::string& identityId() const { return identity_id_; }
    /// The identity object itself, created and modified at a fixed stamp so its version never changes.
    StixObject identity() const;

    /// An SDO or SRO head: type, spec_version, id, created_by_ref, created, modified (never before created).
    nlohmann::ordered_json domainObject(std::string_view type, const std::string& id, Timestamp created,
                                        Timestamp modified) const;
    /// An SCO head: type, spec_version, id.
    static nlohmann::ordered_json observable(std::string_view type, const std::string& id);
    /// A relationship (source_ref, relationship_type, target_ref); its id is named after the three.
    nlohmann::ordered_json relationship(const std::string& source, std::string_view type, const std::string& target,
                                        Timestamp created, Timestamp modified) const;

    /// Adds object_marking_refs with `tlp`'s marking and serializes. `modified` is the object's
    /// own, or `stamp` for objects that have none (SCOs).
    static StixObject finish(nlohmann::ordered_json&& object, Tlp tlp, Timestamp stamp);

private:
    ProducerIdentity identity_;
    ObjectIds ids_;
    std::string identity_id_;
};

} // namespace kansoku::share::stix

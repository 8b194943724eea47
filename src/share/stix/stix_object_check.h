#pragma once

/// The checks every STIX 2.1 object that comes *in* passes before anything of it is kept: a partner's
/// POST to a writable TAXII collection, an object pulled from a partner's collection. Structure only
/// (type name, identifier, spec_version, timestamps, TLP marking, the properties kansoku reads); the
/// object's JSON is kept as the partner wrote it.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "common/time.h"
#include "share/stix/tlp.h"

namespace kansoku::share::stix {

/// STIX 2.1 section 2.9: 3-250 characters of a-z, 0-9 and '-', not starting or ending with '-'.
bool isStixTypeName(std::string_view type);
/// "type--uuid" whose type is `type`.
bool isStixIdentifier(std::string_view id, std::string_view type);
/// A TLP 2.0 marking definition id, or one of the TLP 1.0 ones of STIX 2.1 section 7.2.1.4 read as
/// their TLP 2.0 level (WHITE as CLEAR), so partners still on TLP 1.0 are understood.
std::optional<Tlp> tlpOfAnyMarkingId(std::string_view id);

/// What kansoku needs of an object that passed.
struct CheckedObject {
    std::string id;
    std::string type;
    std::string version;      ///< `modified`, else `created`, as written ("" when neither: an SCO)
    Timestamp version_us = 0; ///< the same as a time
    Tlp tlp = Tlp::Clear;     ///< the strictest TLP among its markings, else the default given
};

/// Checks `object`; the reason (one line) when it is refused. Objects without a TLP marking get
/// `default_tlp` (nullopt: refused). SDOs and SROs need created and modified; indicators a pattern,
/// pattern_type and valid_from; sightings a sighting_of_ref; relationships their refs.
std::variant<CheckedObject, std::string> checkStixObject(const nlohmann::json& object, std::optional<Tlp> default_tlp);

} // namespace kansoku::share::stix

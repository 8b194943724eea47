#pragma once

/// One object a partner's feed gave, checked (share/stix/stix_object_check) and reduced to what kansoku
/// keeps: the object as the partner wrote it, and for an indicator the values its pattern names
/// (indicator_pattern). A revoked indicator keeps no values; one whose pattern kansoku cannot match
/// is kept without values, and counted.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "share/stix/tlp.h"
#include "store/partner_intel_record.h"

namespace kansoku::share {

struct PartnerObject {
    store::PartnerObjectRecord object;
    std::vector<store::PartnerIndicatorRecord> values;
    bool unmatched_pattern = false; ///< an indicator whose pattern names nothing kansoku matches
};

/// The object, or why it is refused (one line). `default_tlp` is the feed's TLP for unmarked objects.
std::variant<PartnerObject, std::string> readPartnerObject(std::string_view feed, const nlohmann::json& object,
                                                           stix::Tlp default_tlp, Timestamp fetched);

} // namespace kansoku::share

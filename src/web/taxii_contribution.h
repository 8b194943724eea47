#pragma once

/// A partner's POST of STIX objects to a writable collection (TAXII 2.1 section 5.5): each object
/// checked on its own; the valid ones are kept, the others listed with why, in the status
/// resource answered (section 4.3.1). Nothing of an invalid object is stored.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "store/sharing_record.h"

namespace kansoku::web {

struct Contribution {
    std::vector<store::SharedObjectRecord> accepted;
    /// The status resource, less what the store adds (filled by finish()).
    struct Outcome {
        std::string id;
        std::string version;
        std::string message; ///< empty: accepted
    };
    std::vector<Outcome> outcomes;
};

/// Reads a TAXII envelope body. Fails (one line, a 400) when it is not a JSON object with an
/// `objects` array of at most `max_objects` entries; a bad object inside is a failure in the
/// status, not an error.
Result<Contribution> readContribution(std::string_view body, std::string_view collection_id, std::string_view source,
                                      size_t max_objects);

/// The status resource's JSON for `contribution` (every accepted object a success).
std::string contributionStatus(const Contribution& contribution, std::string_view status_id, Timestamp requested);

} // namespace kansoku::web

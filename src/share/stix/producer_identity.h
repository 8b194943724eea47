#pragma once

/// Who kansoku says it is in what it shares: the STIX identity every object's created_by_ref names.

#include <string>

#include "share/stix/stix_config.h"

namespace kansoku::share::stix {

struct ProducerIdentity {
    std::string name = "kansoku";
    std::string identity_class = "organization"; ///< identity-class-ov
    std::string contact;                         ///< contact_information; "" for none
};

inline ProducerIdentity producerIdentity(const StixConfig& config) {
    return {config.identity_name, config.identity_class, config.contact};
}

} // namespace kansoku::share::stix

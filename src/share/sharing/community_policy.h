#pragma once

/// [[sharing.community]] (issue 12 item 3): how infected-host addresses leave for one community when
/// [sharing.stix] subscribers (the default for every community) is not what it should get: withheld,
/// Crypto-PAn pseudonyms under the community's own key, or their /24.

#include <string>

#include "common/config_visitor.h"

namespace kansoku::share {

struct CommunityPolicy {
    std::string name;                     ///< a community of sharing.communities
    std::string subscribers = "withhold"; ///< withhold | pseudonymise | aggregate24
    std::string pseudonym_key;
};

void visitConfig(ConfigVisitor& v, CommunityPolicy& c);

} // namespace kansoku::share

#pragma once

/// [sharing.stix] (issue 12 item 1): who kansoku says it is in STIX, how long address indicators
/// stay valid, the TLP each kind of object carries, and how infected-host addresses leave when no
/// community says otherwise (`kansoku export stix`). The TAXII server's communities pass their own
/// subscriber policy and pseudonym key in ProduceScope.

#include <string>

#include "common/config_visitor.h"
#include "common/duration.h"

namespace kansoku::share::stix {

struct StixConfig {
    std::string identity_name = "kansoku";       ///< the producer identity's `name` (also picks the id namespace)
    std::string identity_class = "organization"; ///< identity-class-ov
    std::string contact;                         ///< contact_information, "" for none
    /// Indicators of infected hosts (dynamic subscriber addresses) are valid until last seen + this.
    Duration host_ttl = Duration::fromDays(7);
    /// Indicators of C2 addresses and domains are valid until last seen + this.
    Duration c2_ttl = Duration::fromDays(30);
    /// The darknet as statistics name it (an ipv4-addr value, CIDR allowed). 0.0.0.0/0 keeps the darknet's
    /// addresses undisclosed: scanners avoid address space they know is watched.
    std::string darknet_address = "0.0.0.0/0";
    std::string tlp_statistics = "green"; ///< observed-data (per port per day), outbreak reports
    std::string tlp_c2 = "green";         ///< C2 indicators, infrastructure, their addresses and domains
    std::string tlp_malware = "green";    ///< malware, samples (file, hash indicators), attack patterns
    std::string tlp_hosts = "amber";      ///< infected hosts (after the subscriber policy), their sightings
    std::string subscribers = "withhold"; ///< withhold | pseudonymise | aggregate24 (export default)
    std::string pseudonym_key;            ///< Crypto-PAn key: 64 hex digits (or any long secret, hashed)
};

void visitConfig(ConfigVisitor& v, StixConfig& c);

} // namespace kansoku::share::stix

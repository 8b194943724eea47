#include "share/stix/stix_config.h"

#include <tuple>

namespace kansoku::share::stix {

void visitConfig(ConfigVisitor& v, StixConfig& c) {
    v.text("identity_name", c.identity_name, "the producer identity's name in STIX (also seeds its object ids)");
    v.choice("identity_class", c.identity_class, {"organization", "system", "group", "class", "individual"},
             "the producer identity's identity_class");
    v.text("contact", c.contact, "the producer identity's contact_information (empty: none)");
    v.duration("host_ttl", c.host_ttl, Duration::fromHours(1), Duration::fromDays(365),
               "an infected-host indicator is valid until its last sighting plus this (dynamic addresses)");
    v.duration("c2_ttl", c.c2_ttl, Duration::fromHours(1), Duration::fromDays(3650),
               "a C2 address or domain indicator is valid until its last sighting plus this");
    v.text("darknet_address", c.darknet_address,
           "the darknet in shared statistics (ipv4-addr value, CIDR allowed); 0.0.0.0/0 keeps it undisclosed");
    for (auto [key, value, doc] : {
             std::tuple{"tlp_statistics", &c.tlp_statistics, "TLP of aggregated statistics and outbreak reports"},
             std::tuple{"tlp_c2", &c.tlp_c2, "TLP of C2 indicators and infrastructure"},
             std::tuple{"tlp_malware", &c.tlp_malware, "TLP of malware, samples and attack patterns"},
             std::tuple{"tlp_hosts", &c.tlp_hosts, "TLP of infected hosts (when the subscriber policy lets them out)"},
         }) {
        v.choice(key, *value, {"clear", "green", "amber", "amber+strict", "red"}, doc);
    }
    v.choice("subscribers", c.subscribers, {"withhold", "pseudonymise", "aggregate24"},
             "infected-host addresses in `kansoku export stix`: never, Crypto-PAn pseudonyms, or their /24");
    v.text("pseudonym_key", c.pseudonym_key, "Crypto-PAn key: 64 hex digits (or a long random secret)");
    v.check(!c.identity_name.empty(), "sharing.stix.identity_name must not be empty");
    v.check(c.subscribers != "pseudonymise" || !c.pseudonym_key.empty(),
            "sharing.stix.subscribers = \"pseudonymise\" needs sharing.stix.pseudonym_key");
}

} // namespace kansoku::share::stix

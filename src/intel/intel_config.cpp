#include "intel/intel_config.h"

namespace kansoku::intel {

void visitConfig(ConfigVisitor& v, IntelConfig& c) {
    v.text("warning_lists", c.warning_lists,
           "MISP warning lists checkout (the folder holding lists/); sources on the benign lists are labelled; empty: "
           "no labels");
    v.texts("benign_lists", c.benign_lists, "which lists name benign scanners (globs over list folder names)");
    v.text("asn_v4_csv", c.enrichment.asn_v4_csv,
           "IPv4 ranges -> AS number and name (asn-ipv4.csv of @ip-location-db/asn)");
    v.text("asn_v6_csv", c.enrichment.asn_v6_csv,
           "IPv6 ranges -> AS number and name (asn-ipv6.csv of @ip-location-db/asn)");
    v.text("country_mmdb", c.enrichment.country_mmdb,
           "IP -> country, a MaxMind DB (geo-whois-asn-country.mmdb of @ip-location-db/geo-whois-asn-country-mmdb)");
    v.section("correlation", "infected hosts and C2 endpoints from events",
              [&c](ConfigVisitor& s) { visitConfig(s, c.correlation); });
}

} // namespace kansoku::intel

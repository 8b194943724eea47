#pragma once

/// Where the enrichment data lives (docs/enrichment.md). `scripts/setup` installs it with
/// `npm install --prefix /usr/local/share/kansoku/ip-location-db`; the defaults point there.

#include <string>

namespace kansoku::intel {

/// The npm prefix scripts/setup installs the ip-location-db packages into.
inline constexpr const char* kIpLocationDbPrefix = "/usr/local/share/kansoku/ip-location-db";

struct EnrichmentOptions {
    /// IPv4 ranges -> AS number and name (`@ip-location-db/asn`, CC-BY-4.0).
    std::string asn_v4_csv = std::string(kIpLocationDbPrefix) + "/node_modules/@ip-location-db/asn/asn-ipv4.csv";
    /// IPv6 ranges -> AS number and name.
    std::string asn_v6_csv = std::string(kIpLocationDbPrefix) + "/node_modules/@ip-location-db/asn/asn-ipv6.csv";
    /// IPv4 and IPv6 -> country (`@ip-location-db/geo-whois-asn-country-mmdb`, CC0).
    std::string country_mmdb = std::string(kIpLocationDbPrefix) +
                               "/node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";
};

} // namespace kansoku::intel

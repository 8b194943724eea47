#pragma once

/// IP address -> country (ISO 3166-1 alpha-2 code), in memory, from a MaxMind DB file
/// (https://maxmind.github.io/MaxMind-DB/): `geo-whois-asn-country.mmdb` of
/// `@ip-location-db/geo-whois-asn-country-mmdb` (see docs/enrichment.md), or any MMDB whose data
/// records hold `country_code` (ip-location-db) or `country.iso_code` (MaxMind's layout).
///
/// load() opens the file with libmaxminddb and walks its whole search tree once, turning every
/// network into a range of a RangeIndex; the file is closed again before load() returns. So:
/// - every node and data record is checked at load: a corrupt tree, a record pointing outside the
///   file, a data record that does not decode or has no two-letter country is an error then, not
///   a surprise on some later lookup;
/// - a lookup is the same short search as AsnTable's instead of a 32- to 128-step tree walk, and
///   no libmaxminddb type appears in this header.
/// In an IPv6 database, IPv4 addresses are the ::/96 subtree (the MaxMind DB convention); the
/// tree walk stops after 4 x node_count visits, which bounds a crafted file whose nodes are
/// shared many times over (MaxMind's own databases alias two subtrees to the IPv4 one).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/result.h"
#include "intel/range_index.h"

namespace kansoku::intel {

/// Files larger than this are refused before they are opened (the published one is 7.5 MiB).
inline constexpr std::size_t kMaxCountryMmdbBytes = std::size_t{512} << 20;

class CountryTable {
public:
    CountryTable() = default; ///< knows no address

    /// Reads and checks the MMDB at `path`. Errors are one line naming the file.
    static Result<CountryTable> load(const std::string& path);

    /// The country of `address` ("US"), or empty when the database has none.
    std::string_view lookup(const IpAddress& address) const {
        return address.isV4() ? lookupV4(address.v4()) : lookupV6(addressKey(address));
    }
    std::string_view lookupV4(uint32_t address) const { return codeOf(v4_.find(address)); }
    std::string_view lookupV6(Uint128 address) const { return codeOf(v6_.find(address)); }

    /// Networks (after merging adjacent ones of the same country) per family.
    std::size_t v4RangeCount() const { return v4_.rangeCount(); }
    std::size_t v6RangeCount() const { return v6_.rangeCount(); }
    /// Distinct countries.
    std::size_t countryCount() const { return codes_.size(); }
    /// Search-tree nodes in the file.
    std::size_t nodeCount() const { return node_count_; }
    std::size_t memoryBytes() const {
        return v4_.memoryBytes() + v6_.memoryBytes() + codes_.capacity() * sizeof(codes_[0]);
    }

private:
    class Walker;

    std::string_view codeOf(uint32_t value) const {
        return value == Ipv4RangeIndex::kNoValue ? std::string_view() : std::string_view(codes_[value].data(), 2);
    }

    Ipv4RangeIndex v4_;
    Ipv6RangeIndex v6_;
    std::vector<std::array<char, 2>> codes_;
    std::size_t node_count_ = 0;
};

} // namespace kansoku::intel

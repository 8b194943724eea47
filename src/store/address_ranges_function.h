#pragma once

/// kansoku_in_ranges(addr BLOB, ranges BLOB) -> 1 or 0: whether a 16-byte address (the `addr`
/// column's form) lies in one of a set of ranges given as one blob of sorted, disjoint 32-byte
/// records (first and last address, 16 bytes each): a binary search per row. How the dashboard
/// reader filters events by a tenant's space when it has too many prefixes for an OR of BETWEENs
/// (an ISP given by its ASNs: hundreds of announced prefixes).

#include <string>
#include <vector>

#include "common/prefix.h"

struct sqlite3;

namespace kansoku::store {

/// Registers kansoku_in_ranges on `db`; false when SQLite refused.
bool registerAddressRangesFunction(sqlite3* db);

/// The ranges blob of `prefixes`: sorted, overlapping and adjacent ones joined.
std::string addressRangesBlob(const std::vector<Prefix>& prefixes);

} // namespace kansoku::store

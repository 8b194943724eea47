#pragma once

/// kansoku_addr(TEXT) -> BLOB: an address in the 16-byte form kept in `addr` columns (IPv4 mapped
/// into IPv6, so prefixes are byte ranges); NULL for NULL or text that is not an address. Every
/// kansoku connection registers it: the events insert and migration 0006 use it.

struct sqlite3;

namespace kansoku::store {

/// Registers kansoku_addr on `db`; false when SQLite refused.
bool registerAddressFunction(sqlite3* db);

} // namespace kansoku::store

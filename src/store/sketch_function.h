#pragma once

/// kansoku_hll(TEXT) -> BLOB, an aggregate: the HyperLogLog sketch (common/hyperloglog.h) of the
/// distinct values of a group, in the form of source_sketches.registers. Migration 0007 builds the
/// sketches of the hours stored before it with it; the writer's connection registers it.

struct sqlite3;

namespace kansoku::store {

/// Registers kansoku_hll on `db`; false when SQLite refused.
bool registerSketchFunction(sqlite3* db);

} // namespace kansoku::store

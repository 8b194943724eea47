#pragma once

/// The SELECT over `sharing_objects` a SharedObjectQuery means (a TAXII page), shared by the
/// store's engines. Columns: seq, collection, id, type, version, version_us, spec_version, tlp,
/// date_added, source, body.

#include <cstdint>

#include "store/sharing_record.h"
#include "store/sql_filter.h"

namespace kansoku::store {

/// The last seq added at or before a time ('?'): where "added after" starts (date_added grows with seq).
inline constexpr const char* kLastSeqAddedBy =
    "SELECT seq FROM sharing_objects WHERE date_added <= ? ORDER BY date_added DESC, seq DESC LIMIT 1";

/// The page `query` selects, starting after `after_seq` (query.after_seq, or further on from added_after).
SqlFilter sharedObjectSelect(const SharedObjectQuery& query, int64_t after_seq);

} // namespace kansoku::store

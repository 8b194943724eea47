#pragma once

/// A kansoku database: every store interface over one connection, whichever engine holds it.
/// SqliteStore (the embedded default) and PostgresStore implement it; openDatabase() picks one from
/// the location (storage.url or storage.database). Callers that need more than events hold a
/// Database, never an engine's class.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "store/event_cursor.h"
#include "store/intel_store.h"
#include "store/partner_intel_store.h"
#include "store/report_store.h"
#include "store/sharing_store.h"
#include "store/store.h"
#include "store/tenant_store.h"

namespace kansoku::store {

enum class OpenMode {
    ReadWriteCreate, ///< create the database if missing and bring its schema up to date
    ReadOnly,        ///< the database must exist with this binary's schema version
};

class Database : public Store,
                 public IntelStore,
                 public TenantStore,
                 public ReportStore,
                 public SharingStore,
                 public PartnerIntelStore {
public:
    /// The rows query() would return, one at a time and unparsed; the cursor must not outlive the store.
    virtual Result<std::unique_ptr<EventCursor>> cursor(const EventQuery& query) = 0;
    /// How many rows query() would return (the index answers for a type and time range).
    virtual Result<uint64_t> countEvents(const EventQuery& query) = 0;
    /// Changes whenever the database may have changed since the last call (another connection
    /// committed, or this one changed rows). Cheap; for caches of what was read.
    virtual Result<std::pair<int64_t, int64_t>> changeStamp() = 0;
    /// Where it is, for messages: a file path, or a URL without its password.
    virtual const std::string& path() const = 0;
};

} // namespace kansoku::store

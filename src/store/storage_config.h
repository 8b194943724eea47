#pragma once

/// [storage]: where a process keeps its data (the embedded default: ./var/).

#include <cstdint>
#include <string>

#include "common/config_visitor.h"

namespace kansoku::store {

struct StorageConfig {
    std::string data_dir = "var";
    std::string database = "var/kansoku.db";
    std::string url; ///< "postgresql://user@host:port/db": PostgreSQL instead of the SQLite `database`
    std::string events_jsonl = "var/events.jsonl";
    int64_t batch_size = 1000;

    /// Where events and state are kept: `url` when set, else the SQLite file `database`.
    const std::string& location() const { return url.empty() ? database : url; }
};

void visitConfig(ConfigVisitor& v, StorageConfig& c);

} // namespace kansoku::store

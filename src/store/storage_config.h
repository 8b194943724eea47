#pragma once

/// [storage]: where a process keeps its data (the embedded default: ./var/).

#include <cstdint>
#include <string>

#include "common/config_visitor.h"

namespace kansoku::store {

struct StorageConfig {
    std::string data_dir = "var";
    std::string database = "var/kansoku.db";
    std::string events_jsonl = "var/events.jsonl";
    int64_t batch_size = 1000;
};

void visitConfig(ConfigVisitor& v, StorageConfig& c);

} // namespace kansoku::store

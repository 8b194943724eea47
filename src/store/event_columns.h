#pragma once

/// The typed columns of `events` that migration 0006 adds (`addr`, `port`, `session`, `sha256`,
/// `family`), computed from the event in C++: SQLite computes them from the body itself (generated
/// columns, kansoku_addr()); PostgresStore writes these values with each row so the server parses no
/// JSON. The rules are SQLite's, field for field.

#include <cstdint>
#include <optional>
#include <string>

#include "common/event.h"

namespace kansoku::store {

struct EventColumns {
    std::optional<std::string> addr; ///< the subject's 16-byte form (sql_filter.h addressBlob)
    std::optional<int64_t> port;     ///< the destination port the event is about
    std::optional<std::string> session;
    std::optional<std::string> sha256;
    std::optional<std::string> family;
};

/// `subject` is the row's subject (eventSubject()).
EventColumns eventColumns(const Event& event, const std::optional<std::string>& subject);

} // namespace kansoku::store

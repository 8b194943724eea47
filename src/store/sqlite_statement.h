#pragma once

/// Helpers the SqliteStore files share (not part of the store's interface): reading and binding
/// columns, and binding a SqlFilter's parameters.

#include <cstdint>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "store/sql_filter.h"

namespace kansoku::store {

inline std::string_view columnText(sqlite3_stmt* statement, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
    if (text == nullptr) {
        return {};
    }
    return {text, static_cast<size_t>(sqlite3_column_bytes(statement, column))};
}

/// Binds without copying: `text` must outlive the statement's next step.
inline int bindText(sqlite3_stmt* statement, int index, std::string_view text) {
    return sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

inline int bindBlob(sqlite3_stmt* statement, int index, std::string_view bytes) {
    return sqlite3_bind_blob64(statement, index, bytes.data(), bytes.size(), SQLITE_STATIC);
}

inline bool SqlFilter::bind(sqlite3_stmt* statement) const {
    int index = 0;
    for (const auto& param : params_) {
        ++index;
        int rc = SQLITE_OK;
        if (const auto* i = std::get_if<int64_t>(&param)) {
            rc = sqlite3_bind_int64(statement, index, *i);
        } else if (const auto* s = std::get_if<std::string>(&param)) {
            rc = bindText(statement, index, *s);
        } else {
            rc = bindBlob(statement, index, std::get<SqlBlob>(param).bytes);
        }
        if (rc != SQLITE_OK) {
            return false;
        }
    }
    return true;
}

} // namespace kansoku::store

#pragma once

/// Helpers the SqliteStore files share (not part of the store's interface): reading and binding
/// columns, and a WHERE clause built together with its parameters.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <sqlite3.h>

#include "common/ip_address.h"

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

/// The 16-byte (IPv4-mapped for IPv4) form kept in `addr`, `lo`, `hi`: ordered as the addresses are.
inline std::string addressBlob(const IpAddress& address) {
    return {reinterpret_cast<const char*>(address.bytes().data()), 16};
}

inline int bindBlob(sqlite3_stmt* statement, int index, std::string_view bytes) {
    return sqlite3_bind_blob64(statement, index, bytes.data(), bytes.size(), SQLITE_STATIC);
}

/// A parameter of a SqlFilter: text, integer, or bytes (a BLOB such as an address).
struct SqlBlob {
    std::string bytes;
};
using SqlParam = std::variant<std::string, int64_t, SqlBlob>;

/// WHERE clauses and their parameters kept in step, for a SELECT built from optional filters.
class SqlFilter {
public:
    explicit SqlFilter(std::string select) : sql_(std::move(select)) {}

    /// Adds `clause` (with one '?' per parameter) joined by AND.
    void where(std::string_view clause, std::vector<SqlParam> params) {
        sql_ += where_count_++ == 0 ? " WHERE " : " AND ";
        sql_ += clause;
        for (auto& p : params) {
            params_.push_back(std::move(p));
        }
    }
    /// Adds "column IN (?, ...)" for `values`; with none, a clause that matches nothing.
    void whereIn(std::string_view column, const std::vector<std::string>& values) {
        if (values.empty()) {
            where("0", {});
            return;
        }
        std::string clause(column);
        clause += " IN (";
        std::vector<SqlParam> params;
        for (size_t i = 0; i < values.size(); ++i) {
            clause += i == 0 ? "?" : ", ?";
            params.emplace_back(values[i]);
        }
        clause += ')';
        where(clause, std::move(params));
    }
    /// Appends text that is not a filter (ORDER BY, LIMIT ?), with its parameters.
    void append(std::string_view text, std::vector<SqlParam> params = {}) {
        sql_ += text;
        for (auto& p : params) {
            params_.push_back(std::move(p));
        }
    }

    /// Appends another statement's text and parameters (a subquery).
    void append(const SqlFilter& inner) {
        sql_ += inner.sql_;
        params_.insert(params_.end(), inner.params_.begin(), inner.params_.end());
    }

    const std::string& sql() const { return sql_; }

    bool bind(sqlite3_stmt* statement) const {
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

private:
    std::string sql_;
    std::vector<SqlParam> params_;
    int where_count_ = 0;
};

} // namespace kansoku::store

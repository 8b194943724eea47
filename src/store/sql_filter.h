#pragma once

/// A SELECT built from optional filters, its text and parameters kept in step: shared by the
/// store's engines. Parameters are written '?'; SQLite binds them in order (sqlite_statement.h),
/// PostgreSQL numbers them $1, $2, ... (postgres_connection.h). The SQL is the dialect both accept.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/ip_address.h"

struct sqlite3_stmt;

namespace kansoku::store {

/// The 16-byte (IPv4-mapped for IPv4) form kept in `addr`, `lo`, `hi`: ordered as the addresses are.
inline std::string addressBlob(const IpAddress& address) {
    return {reinterpret_cast<const char*>(address.bytes().data()), 16};
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
            where("FALSE", {});
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

    const std::vector<SqlParam>& params() const { return params_; }
    /// Binds the parameters to an SQLite statement (sqlite_statement.h).
    bool bind(sqlite3_stmt* statement) const;

private:
    std::string sql_;
    std::vector<SqlParam> params_;
    int where_count_ = 0;
};

} // namespace kansoku::store

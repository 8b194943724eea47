#pragma once

/// Helpers the PostgresStore files share (not part of the store's interface): one libpq connection
/// with parameterised statements, results read as text, and COPY. libpq's header stays in the .cpp.

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sql_filter.h"

struct pg_conn;
struct pg_result;

namespace kansoku::store {

/// `url` with any password left out (user:secret@ and password=... both), for messages.
std::string redactedUrl(std::string_view url);

/// The parameters of one statement, all sent as text except bytes (bytea), sent binary.
class PgParams {
public:
    PgParams() = default;
    explicit PgParams(const std::vector<SqlParam>& params);
    PgParams& text(std::string_view value);
    PgParams& integer(int64_t value);
    PgParams& bytes(std::string_view value);
    PgParams& null();

    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const;
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

private:
    std::vector<std::string> storage_;
    std::vector<bool> is_null_;
    mutable std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

/// A statement's rows, read as text.
class PgRows {
public:
    struct Clear {
        void operator()(pg_result* result) const;
    };
    explicit PgRows(pg_result* result) : result_(result) {}

    int size() const;
    bool isNull(int row, int column) const;
    std::string_view text(int row, int column) const;
    int64_t integer(int row, int column) const {
        const std::string_view t = text(row, column);
        int64_t value = 0;
        std::from_chars(t.data(), t.data() + t.size(), value);
        return value;
    }
    std::optional<int64_t> optionalInteger(int row, int column) const {
        return isNull(row, column) ? std::nullopt : std::optional<int64_t>(integer(row, column));
    }
    /// A bytea column's bytes (decoded from PostgreSQL's hex output).
    std::string bytes(int row, int column) const;
    /// How many rows an INSERT, UPDATE or DELETE changed.
    int64_t changed() const;

private:
    std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
public:
    /// Connects; a failure is one line naming the URL without its password.
    static Result<std::unique_ptr<PgConnection>> connect(const std::string& url);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    const std::string& name() const { return name_; }

    /// Runs `sql` (several statements allowed, no parameters).
    Result<void> exec(std::string_view sql, std::string_view context);
    /// Runs one statement with '$n' parameters.
    Result<PgRows> query(std::string_view sql, const PgParams& params, std::string_view context);
    /// Runs a SqlFilter's statement ('?' parameters become $1, $2, ...).
    Result<PgRows> query(const SqlFilter& select, std::string_view context);

    /// COPY `target` FROM STDIN with `data` in text format.
    Result<void> copyIn(std::string_view target, std::string_view data, std::string_view context);

    /// True inside BEGIN ... COMMIT.
    bool inTransaction() const;
    /// Ends the open transaction (ROLLBACK), or forgets one the connection lost. A connection lost
    /// outside a transaction is opened again by the next statement; one lost inside a transaction
    /// fails every statement until this is called, so no later COMMIT can pass for the lost work.
    void abandonTransaction();

private:
    PgConnection(pg_conn* connection, std::string name);
    Error error(std::string_view context, std::string_view message) const;
    /// Takes `raw`; an error unless it is a command's or a query's success.
    Result<PgRows> check(pg_result* raw, std::string_view context) const;
    /// check(), noting a connection lost inside a transaction.
    Result<PgRows> run(pg_result* raw, bool was_in_transaction, std::string_view context);
    /// Reconnects a connection lost outside a transaction; fails for one lost inside.
    Result<void> usable(std::string_view context);

    pg_conn* connection_;
    std::string name_;
    bool lost_in_transaction_ = false;
};

/// `sql` with each '?' numbered $1, $2, ... in order (the SQL has no '?' inside literals).
std::string numberedParameters(std::string_view sql);

/// Appends `value` to a COPY text-format row, escaped.
void appendCopyText(std::string& row, std::string_view value);
/// Appends a bytea value to a COPY text-format row (\\x hex).
void appendCopyBytes(std::string& row, std::string_view bytes);

} // namespace kansoku::store

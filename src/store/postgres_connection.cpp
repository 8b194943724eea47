#include "store/postgres_connection.h"

#include <algorithm>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace kansoku::store {

std::string redactedUrl(std::string_view url) {
    std::string out(url);
    const size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        const size_t authority = scheme + 3;
        const size_t end = out.find_first_of("/?", authority);
        const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
        if (at != std::string::npos && at > authority) {
            const size_t colon = out.find(':', authority);
            if (colon != std::string::npos && colon < at) {
                out.erase(colon, at - colon);
            }
        }
    }
    const size_t password = out.find("password=");
    if (password != std::string::npos) {
        const size_t end = out.find('&', password);
        out.replace(password, (end == std::string::npos ? out.size() : end) - password, "password=...");
    }
    return out;
}

PgParams::PgParams(const std::vector<SqlParam>& params) {
    for (const auto& param : params) {
        if (const auto* i = std::get_if<int64_t>(&param)) {
            integer(*i);
        } else if (const auto* s = std::get_if<std::string>(&param)) {
            text(*s);
        } else {
            bytes(std::get<SqlBlob>(param).bytes);
        }
    }
}

PgParams& PgParams::text(std::string_view value) {
    storage_.emplace_back(value);
    is_null_.push_back(false);
    lengths_.push_back(static_cast<int>(value.size()));
    formats_.push_back(0);
    return *this;
}

PgParams& PgParams::integer(int64_t value) {
    return text(std::to_string(value));
}

PgParams& PgParams::bytes(std::string_view value) {
    text(value);
    formats_.back() = 1;
    return *this;
}

PgParams& PgParams::null() {
    text({});
    is_null_.back() = true;
    return *this;
}

const char* const* PgParams::values() const {
    values_.clear();
    for (size_t i = 0; i < storage_.size(); ++i) {
        values_.push_back(is_null_[i] ? nullptr : storage_[i].c_str());
    }
    return values_.data();
}

void PgRows::Clear::operator()(pg_result* result) const {
    PQclear(result);
}

int PgRows::size() const {
    return PQntuples(result_.get());
}

bool PgRows::isNull(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgRows::text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column), static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

std::string PgRows::bytes(int row, int column) const {
    const std::string_view hex = text(row, column);
    std::string out;
    if (!hex.starts_with("\\x")) {
        return out;
    }
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.reserve(hex.size() / 2);
    for (size_t i = 2; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    return out;
}

int64_t PgRows::changed() const {
    const char* tuples = PQcmdTuples(result_.get());
    return tuples == nullptr || *tuples == '\0' ? 0 : std::stoll(tuples);
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& url) {
    const std::string name = redactedUrl(url);
    pg_conn* connection = PQconnectdb(url.c_str());
    if (connection == nullptr) {
        return fail("database {}: out of memory", name);
    }
    if (PQstatus(connection) != CONNECTION_OK) {
        std::string message = PQerrorMessage(connection);
        PQfinish(connection);
        // libpq's message may span lines (one per address tried); the first says why.
        message = message.substr(0, message.find('\n'));
        return fail("database {}: cannot connect: {}", name, message);
    }
    return std::unique_ptr<PgConnection>(new PgConnection(connection, name));
}

PgConnection::PgConnection(pg_conn* connection, std::string name) : connection_(connection), name_(std::move(name)) {
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr); // NOTICEs of IF NOT EXISTS are not news
}

PgConnection::~PgConnection() {
    PQfinish(connection_);
}

Error PgConnection::error(std::string_view context, std::string_view message) const {
    std::string line(message);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) {
        line.pop_back();
    }
    std::replace(line.begin(), line.end(), '\n', ' ');
    if (PQstatus(connection_) == CONNECTION_BAD) {
        line += " (connection lost)";
    }
    return Error{context.empty() ? fmt::format("database {}: {}", name_, line)
                                 : fmt::format("database {}: {}: {}", name_, context, line)};
}

Result<PgRows> PgConnection::check(pg_result* raw, std::string_view context) const {
    PgRows rows(raw);
    const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return fail(error(context, raw == nullptr ? PQerrorMessage(connection_) : PQresultErrorMessage(raw)));
    }
    return rows;
}

Result<void> PgConnection::usable(std::string_view context) {
    if (PQstatus(connection_) == CONNECTION_OK) {
        return {};
    }
    if (lost_in_transaction_) {
        // What the transaction wrote is gone: the caller must see that (rollback()) before anything else runs.
        return fail(error(context, "connection lost in a transaction that was not rolled back"));
    }
    PQreset(connection_);
    if (PQstatus(connection_) != CONNECTION_OK) {
        return fail(error(context, PQerrorMessage(connection_)));
    }
    return {};
}

Result<PgRows> PgConnection::run(pg_result* raw, bool was_in_transaction, std::string_view context) {
    auto rows = check(raw, context);
    if (!rows && was_in_transaction && PQstatus(connection_) == CONNECTION_BAD) {
        lost_in_transaction_ = true;
    }
    return rows;
}

void PgConnection::abandonTransaction() {
    if (PQstatus(connection_) == CONNECTION_OK) {
        if (inTransaction()) {
            PQclear(PQexec(connection_, "ROLLBACK"));
        }
    }
    lost_in_transaction_ = false;
}

Result<void> PgConnection::exec(std::string_view sql, std::string_view context) {
    KANSOKU_TRY(usable(context));
    const bool was_in_transaction = inTransaction();
    const std::string text(sql);
    KANSOKU_TRY(run(PQexec(connection_, text.c_str()), was_in_transaction, context));
    return {};
}

Result<PgRows> PgConnection::query(std::string_view sql, const PgParams& params, std::string_view context) {
    KANSOKU_TRY(usable(context));
    const bool was_in_transaction = inTransaction();
    const std::string text(sql);
    return run(PQexecParams(connection_, text.c_str(), params.count(), nullptr, params.values(), params.lengths(),
                            params.formats(), 0),
               was_in_transaction, context);
}

Result<PgRows> PgConnection::query(const SqlFilter& select, std::string_view context) {
    return query(numberedParameters(select.sql()), PgParams(select.params()), context);
}

Result<void> PgConnection::copyIn(std::string_view target, std::string_view data, std::string_view context) {
    KANSOKU_TRY(usable(context));
    if (!inTransaction()) {
        return fail(error(context, "COPY outside a transaction"));
    }
    const std::string start = fmt::format("COPY {} FROM STDIN", target);
    pg_result* begun = PQexec(connection_, start.c_str());
    const bool copying = begun != nullptr && PQresultStatus(begun) == PGRES_COPY_IN;
    const PgRows begun_rows(begun);
    if (!copying) {
        lost_in_transaction_ = PQstatus(connection_) == CONNECTION_BAD;
        return fail(error(context, PQerrorMessage(connection_)));
    }
    if (PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(connection_, nullptr) != 1) {
        const Error failed = error(context, PQerrorMessage(connection_));
        while (pg_result* r = PQgetResult(connection_)) {
            PQclear(r);
        }
        lost_in_transaction_ = PQstatus(connection_) == CONNECTION_BAD;
        return fail(failed);
    }
    Result<void> outcome;
    while (pg_result* r = PQgetResult(connection_)) {
        PgRows done(r);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && outcome) {
            outcome = fail(error(context, PQresultErrorMessage(r)));
        }
    }
    lost_in_transaction_ = lost_in_transaction_ || PQstatus(connection_) == CONNECTION_BAD;
    return outcome;
}

bool PgConnection::inTransaction() const {
    const PGTransactionStatusType status = PQtransactionStatus(connection_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

std::string numberedParameters(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (const char c : sql) {
        if (c == '?') {
            out += fmt::format("${}", ++n);
        } else {
            out += c;
        }
    }
    return out;
}

void appendCopyText(std::string& row, std::string_view value) {
    for (const char c : value) {
        switch (c) {
        case '\\':
            row += "\\\\";
            break;
        case '\t':
            row += "\\t";
            break;
        case '\n':
            row += "\\n";
            break;
        case '\r':
            row += "\\r";
            break;
        default:
            row += c;
        }
    }
}

void appendCopyBytes(std::string& row, std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    row += "\\\\x";
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        row += kHex[byte >> 4];
        row += kHex[byte & 15];
    }
}

} // namespace kansoku::store

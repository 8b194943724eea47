// SqliteStore as a TenantStore: ISPs and their address space.

#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {

Result<void> SqliteStore::addIsp(const IspRecord& isp) {
    // A savepoint works inside and outside a transaction: the ISP and its networks, or nothing.
    KANSOKU_TRY(exec("SAVEPOINT add_isp", "add ISP"));
    auto added = insertIsp(isp);
    if (!added) {
        exec("ROLLBACK TO add_isp", {});
        exec("RELEASE add_isp", {});
        return added;
    }
    return exec("RELEASE add_isp", "add ISP");
}

Result<void> SqliteStore::insertIsp(const IspRecord& isp) {
    auto taken = this->isp(isp.name);
    KANSOKU_TRY(taken);
    if (taken->has_value()) {
        return fail("ISP {} exists already", isp.name);
    }
    auto insert =
        prepare("INSERT INTO isps (name, key_hash, abuse, lang, created, key_rotated) VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    sqlite3_stmt* s = insert->get();
    bindText(s, 1, isp.name);
    bindText(s, 2, isp.key_hash);
    bindText(s, 3, isp.abuse);
    bindText(s, 4, isp.lang);
    sqlite3_bind_int64(s, 5, isp.created);
    sqlite3_bind_int64(s, 6, isp.key_rotated);
    KANSOKU_TRY(stepDone(s, "add ISP"));
    auto network = prepare("INSERT INTO isp_networks (isp, prefix, lo, hi, asn) VALUES (?, ?, ?, ?, ?)");
    if (!network) {
        return fail(network.error());
    }
    sqlite3_stmt* n = network->get();
    for (const auto& prefix : isp.scope.prefixes) {
        const std::string text = prefix.toString();
        const std::string lo = addressBlob(prefix.network());
        const std::string hi = addressBlob(prefix.last());
        sqlite3_reset(n);
        sqlite3_clear_bindings(n);
        bindText(n, 1, isp.name);
        bindText(n, 2, text);
        bindBlob(n, 3, lo);
        bindBlob(n, 4, hi);
        KANSOKU_TRY(stepDone(n, "add ISP network"));
    }
    for (const uint32_t asn : isp.scope.asns) {
        sqlite3_reset(n);
        sqlite3_clear_bindings(n);
        bindText(n, 1, isp.name);
        sqlite3_bind_int64(n, 5, asn);
        KANSOKU_TRY(stepDone(n, "add ISP network"));
    }
    return {};
}

Result<void> SqliteStore::loadNetworks(IspRecord& isp) {
    auto statement = prepare("SELECT prefix, asn FROM isp_networks WHERE isp = ? ORDER BY rowid");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, isp.name);
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
            auto prefix = Prefix::parse(columnText(s, 0));
            if (!prefix) {
                return fail("database {}: ISP {}: {}", path_, isp.name, prefix.error().message);
            }
            isp.scope.prefixes.push_back(*prefix);
        } else {
            isp.scope.asns.push_back(static_cast<uint32_t>(sqlite3_column_int64(s, 1)));
        }
    }
    if (rc != SQLITE_DONE) {
        return fail(error("ISP networks"));
    }
    return {};
}

Result<std::vector<IspRecord>> SqliteStore::selectIsps(std::string_view where, std::string_view param) {
    std::string sql = "SELECT name, key_hash, abuse, lang, created, key_rotated FROM isps";
    if (!where.empty()) {
        sql += " WHERE ";
        sql += where;
    }
    sql += " ORDER BY name";
    auto statement = prepare(sql);
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!where.empty()) {
        bindText(s, 1, param);
    }
    std::vector<IspRecord> isps;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        IspRecord isp;
        isp.name = columnText(s, 0);
        isp.key_hash = columnText(s, 1);
        isp.abuse = columnText(s, 2);
        isp.lang = columnText(s, 3);
        isp.created = sqlite3_column_int64(s, 4);
        isp.key_rotated = sqlite3_column_int64(s, 5);
        isps.push_back(std::move(isp));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("ISPs"));
    }
    for (auto& isp : isps) {
        KANSOKU_TRY(loadNetworks(isp));
    }
    return isps;
}

Result<std::vector<IspRecord>> SqliteStore::isps() {
    return selectIsps({}, {});
}

namespace {

Result<std::optional<IspRecord>> first(Result<std::vector<IspRecord>> isps) {
    KANSOKU_TRY(isps);
    if (isps->empty()) {
        return std::optional<IspRecord>{};
    }
    return std::optional<IspRecord>{std::move(isps->front())};
}

} // namespace

Result<std::optional<IspRecord>> SqliteStore::isp(std::string_view name) {
    return first(selectIsps("name = ?", name));
}

Result<std::optional<IspRecord>> SqliteStore::ispByKeyHash(std::string_view key_hash) {
    return first(selectIsps("key_hash = ?", key_hash));
}

Result<bool> SqliteStore::removeIsp(std::string_view name) {
    auto statement = prepare("DELETE FROM isps WHERE name = ?");
    if (!statement) {
        return fail(statement.error());
    }
    bindText(statement->get(), 1, name);
    auto changed = change(statement->get(), "remove ISP");
    KANSOKU_TRY(changed);
    return *changed > 0;
}

Result<bool> SqliteStore::setIspKeyHash(std::string_view name, std::string_view key_hash, Timestamp when) {
    auto statement = prepare("UPDATE isps SET key_hash = ?, key_rotated = ? WHERE name = ?");
    if (!statement) {
        return fail(statement.error());
    }
    bindText(statement->get(), 1, key_hash);
    sqlite3_bind_int64(statement->get(), 2, when);
    bindText(statement->get(), 3, name);
    auto changed = change(statement->get(), "rotate ISP key");
    KANSOKU_TRY(changed);
    return *changed > 0;
}

} // namespace kansoku::store

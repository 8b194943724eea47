// PostgresStore as a TenantStore: ISPs and their address space.

#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kansoku::store {
namespace {

Result<std::optional<IspRecord>> first(Result<std::vector<IspRecord>> isps) {
    KANSOKU_TRY(isps);
    if (isps->empty()) {
        return std::optional<IspRecord>{};
    }
    return std::optional<IspRecord>{std::move(isps->front())};
}

} // namespace

Result<void> PostgresStore::addIsp(const IspRecord& isp) {
    return atomically("add_isp", [&]() -> Result<void> {
        auto taken = this->isp(isp.name);
        KANSOKU_TRY(taken);
        if (taken->has_value()) {
            return fail("ISP {} exists already", isp.name);
        }
        KANSOKU_TRY(connection_->query(
            "INSERT INTO isps (name, key_hash, abuse, lang, created, key_rotated) VALUES ($1, $2, $3, $4, $5, $6)",
            PgParams()
                .text(isp.name)
                .text(isp.key_hash)
                .text(isp.abuse)
                .text(isp.lang)
                .integer(isp.created)
                .integer(isp.key_rotated),
            "add ISP"));
        for (const auto& prefix : isp.scope.prefixes) {
            KANSOKU_TRY(connection_->query("INSERT INTO isp_networks (isp, prefix, lo, hi) VALUES ($1, $2, $3, $4)",
                                           PgParams()
                                               .text(isp.name)
                                               .text(prefix.toString())
                                               .bytes(addressBlob(prefix.network()))
                                               .bytes(addressBlob(prefix.last())),
                                           "add ISP network"));
        }
        for (const uint32_t asn : isp.scope.asns) {
            KANSOKU_TRY(connection_->query("INSERT INTO isp_networks (isp, asn) VALUES ($1, $2)",
                                           PgParams().text(isp.name).integer(asn), "add ISP network"));
        }
        return {};
    });
}

Result<std::vector<IspRecord>> PostgresStore::selectIsps(std::string_view where, std::string_view value) {
    SqlFilter select("SELECT name, key_hash, abuse, lang, created, key_rotated FROM isps");
    if (!where.empty()) {
        select.where(where, {std::string(value)});
    }
    select.append(" ORDER BY name");
    auto rows = connection_->query(select, "ISPs");
    KANSOKU_TRY(rows);
    std::vector<IspRecord> isps;
    for (int r = 0; r < rows->size(); ++r) {
        IspRecord isp;
        isp.name = rows->text(r, 0);
        isp.key_hash = rows->text(r, 1);
        isp.abuse = rows->text(r, 2);
        isp.lang = rows->text(r, 3);
        isp.created = rows->integer(r, 4);
        isp.key_rotated = rows->integer(r, 5);
        isps.push_back(std::move(isp));
    }
    for (auto& isp : isps) {
        auto networks = connection_->query("SELECT prefix, asn FROM isp_networks WHERE isp = $1 ORDER BY id",
                                           PgParams().text(isp.name), "ISP networks");
        KANSOKU_TRY(networks);
        for (int r = 0; r < networks->size(); ++r) {
            if (networks->isNull(r, 0)) {
                isp.scope.asns.push_back(static_cast<uint32_t>(networks->integer(r, 1)));
                continue;
            }
            auto prefix = Prefix::parse(networks->text(r, 0));
            if (!prefix) {
                return fail("database {}: ISP {}: {}", path(), isp.name, prefix.error().message);
            }
            isp.scope.prefixes.push_back(*prefix);
        }
    }
    return isps;
}

Result<std::vector<IspRecord>> PostgresStore::isps() {
    return selectIsps({}, {});
}

Result<std::optional<IspRecord>> PostgresStore::isp(std::string_view name) {
    return first(selectIsps("name = ?", name));
}

Result<std::optional<IspRecord>> PostgresStore::ispByKeyHash(std::string_view key_hash) {
    return first(selectIsps("key_hash = ?", key_hash));
}

Result<bool> PostgresStore::removeIsp(std::string_view name) {
    auto removed = connection_->query("DELETE FROM isps WHERE name = $1", PgParams().text(name), "remove ISP");
    KANSOKU_TRY(removed);
    changes_ += removed->changed();
    return removed->changed() > 0;
}

Result<bool> PostgresStore::setIspKeyHash(std::string_view name, std::string_view key_hash, Timestamp when) {
    auto updated = connection_->query("UPDATE isps SET key_hash = $1, key_rotated = $2 WHERE name = $3",
                                      PgParams().text(key_hash).integer(when).text(name), "rotate ISP key");
    KANSOKU_TRY(updated);
    changes_ += updated->changed();
    return updated->changed() > 0;
}

} // namespace kansoku::store

#include "store/shared_object_select.h"

#include <fmt/format.h>

namespace kansoku::store {
namespace {

constexpr std::string_view kObjectColumns =
    "SELECT seq, collection, id, type, version, version_us, spec_version, tlp, date_added, source, body "
    "FROM sharing_objects o";

} // namespace

SqlFilter sharedObjectSelect(const SharedObjectQuery& query, int64_t after_seq) {
    SqlFilter select{std::string(kObjectColumns)};
    select.where("collection = ?", {query.collection});
    select.whereIn("tlp", query.tlps);
    if (query.added_after) {
        select.where("date_added > ?", {*query.added_after});
    }
    if (after_seq > 0) {
        select.where("seq > ?", {after_seq});
    }
    if (!query.ids.empty()) {
        select.whereIn("id", query.ids);
    }
    if (!query.types.empty()) {
        select.whereIn("type", query.types);
    }
    if (!query.spec_versions.empty()) {
        select.whereIn("spec_version", query.spec_versions);
    }
    // Which version of each object, among those the caller may see (a newer version marked above
    // its ceiling does not hide the older one it may see).
    if (!query.all_versions) {
        std::string allowed = "(";
        for (size_t i = 0; i < query.tlps.size(); ++i) {
            allowed += i == 0 ? "?" : ", ?";
        }
        allowed += query.tlps.empty() ? "NULL)" : ")";
        std::string clause;
        std::vector<SqlParam> params;
        const auto either = [&](std::string_view condition) {
            clause += clause.empty() ? "(" : " OR ";
            clause += condition;
        };
        const auto extreme = [&](std::string_view function) {
            either(fmt::format("version_us = (SELECT {}(v.version_us) FROM sharing_objects v WHERE v.collection = "
                               "o.collection AND v.id = o.id AND v.tlp IN {})",
                               function, allowed));
            for (const auto& tlp : query.tlps) {
                params.emplace_back(tlp);
            }
        };
        if (query.first_version) {
            extreme("MIN");
        }
        if (query.last_version) {
            // The latest version held is the last one the caller may see when it may see it (the TLP filter
            // above); only a superseded row needs the lookup.
            either("superseded = 0");
            extreme("MAX");
        }
        for (const Timestamp version : query.versions) {
            either("version_us = ?");
            params.emplace_back(version);
        }
        clause += clause.empty() ? "(FALSE)" : ")";
        select.where(clause, std::move(params));
    }
    select.append(" ORDER BY seq");
    if (query.limit > 0) {
        select.append(" LIMIT ?", {query.limit});
    }
    return select;
}

} // namespace kansoku::store

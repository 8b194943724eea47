#include "store/infected_host_columns.h"

#include <nlohmann/json.hpp>

namespace kansoku::store {
namespace {

/// The same columns with NULL for the evidence, for lists that do not show it: a long evidence
/// array may live in overflow pages, which SQLite then does not read.
constexpr std::string_view kHostColumnsWithoutEvidence =
    "SELECT ip, asn, as_name, country, family, confidence, reasons, NULL, first_seen, last_seen, updated, "
    "state, state_changed, notified_at, remediated_at, reinfections, notice_token, notice_expires, partner_intel "
    "FROM infected_hosts";

} // namespace

std::string reasonsJson(const std::vector<std::string>& reasons) {
    return nlohmann::json(reasons).dump();
}

std::string evidenceJson(const std::vector<EvidenceRef>& evidence) {
    auto array = nlohmann::json::array();
    for (const auto& e : evidence) {
        array.push_back({{"type", e.type}, {"ts", e.ts}, {"sensor", e.sensor}, {"ref", e.ref}});
    }
    return array.dump();
}

/// Reads the strings of a JSON array column (reasons, samples) into `out`, reusing its strings'
/// storage; anything else in the array is skipped. The arrays this store writes are plain ASCII
/// without escapes almost always, so those are split here; the rest goes through nlohmann.
void readStringArray(std::string_view json, std::vector<std::string>& out) {
    size_t count = 0;
    const auto put = [&](std::string_view item) {
        if (count < out.size()) {
            out[count].assign(item);
        } else {
            out.emplace_back(item);
        }
        ++count;
    };
    const auto plain = [&]() -> bool {
        size_t i = 0;
        if (json.empty() || json[i++] != '[') {
            return false;
        }
        if (i < json.size() && json[i] == ']') {
            return i + 1 == json.size();
        }
        while (i < json.size() && json[i] == '"') {
            const size_t start = ++i;
            while (i < json.size() && json[i] != '"') {
                const auto byte = static_cast<unsigned char>(json[i]);
                if (byte == '\\' || byte < 0x20 || byte >= 0x80) {
                    return false;
                }
                ++i;
            }
            if (i == json.size()) {
                return false;
            }
            put(json.substr(start, i - start));
            ++i;
            if (i < json.size() && json[i] == ',') {
                ++i;
                continue;
            }
            return i + 1 == json.size() && json[i] == ']';
        }
        return false;
    };
    if (!plain()) {
        count = 0;
        const auto array = nlohmann::json::parse(json, nullptr, false);
        if (array.is_array()) {
            for (const auto& item : array) {
                if (item.is_string()) {
                    put(item.get_ref<const std::string&>());
                }
            }
        }
    }
    out.resize(count);
}

std::vector<std::string> stringArray(std::string_view json) {
    std::vector<std::string> out;
    readStringArray(json, out);
    return out;
}

namespace {

/// "(addr BETWEEN ? AND ? OR ... OR asn IN (?, ...))" for a scope; an empty scope matches nothing.
void whereInScope(SqlFilter& select, const AddressScope& scope) {
    std::string clause;
    std::vector<SqlParam> params;
    for (const auto& prefix : scope.prefixes) {
        clause += clause.empty() ? "(" : " OR ";
        clause += "addr BETWEEN ? AND ?";
        params.emplace_back(SqlBlob{addressBlob(prefix.network())});
        params.emplace_back(SqlBlob{addressBlob(prefix.last())});
    }
    if (!scope.asns.empty()) {
        clause += clause.empty() ? "(" : " OR ";
        clause += "asn IN (";
        for (size_t i = 0; i < scope.asns.size(); ++i) {
            clause += i == 0 ? "?" : ", ?";
            params.emplace_back(static_cast<int64_t>(scope.asns[i]));
        }
        clause += ")";
    }
    select.where(clause.empty() ? "FALSE" : clause + ")", std::move(params));
}

} // namespace

SqlFilter hostSelect(const HostQuery& query) {
    SqlFilter select{std::string(query.evidence ? kHostColumns : kHostColumnsWithoutEvidence)};
    if (query.scope) {
        whereInScope(select, *query.scope);
    }
    if (query.seen_since) {
        select.where("last_seen >= ?", {*query.seen_since});
    }
    if (query.after) {
        select.where("addr > ?", {SqlBlob{addressBlob(*query.after)}});
    }
    if (query.family) {
        select.where("family = ?", {*query.family});
    }
    select.append(" ORDER BY addr");
    if (query.limit > 0) {
        select.append(" LIMIT ?", {query.limit});
    }
    return select;
}

std::vector<EvidenceRef> parseEvidence(std::string_view json) {
    std::vector<EvidenceRef> out;
    const auto evidence = nlohmann::json::parse(json, nullptr, false);
    if (evidence.is_array()) {
        for (const auto& e : evidence) {
            out.push_back({e.value("type", ""), e.value("ts", int64_t{0}), e.value("sensor", ""), e.value("ref", "")});
        }
    }
    return out;
}

} // namespace kansoku::store

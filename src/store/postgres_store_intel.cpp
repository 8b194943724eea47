// PostgresStore as an IntelStore: infected hosts, C2 endpoints, ISP feedback, notice tokens.

#include <algorithm>

#include "store/infected_host_columns.h"
#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kansoku::store {
namespace {

/// Fills `host` from row `r`, reusing its strings' storage (kHostColumns' order).
void readHostRow(const PgRows& rows, int r, InfectedHostRecord& host) {
    host.ip = IpAddress::parse(rows.text(r, 0)).value_or(IpAddress{});
    if (const auto asn = rows.optionalInteger(r, 1)) {
        host.asn = static_cast<uint32_t>(*asn);
    } else {
        host.asn.reset();
    }
    host.as_name.assign(rows.text(r, 2));
    host.country.assign(rows.text(r, 3));
    host.family.assign(rows.text(r, 4));
    host.confidence = static_cast<int>(rows.integer(r, 5));
    readStringArray(rows.text(r, 6), host.reasons);
    host.evidence.clear();
    if (!rows.isNull(r, 7)) {
        host.evidence = parseEvidence(rows.text(r, 7));
    }
    host.first_seen = rows.integer(r, 8);
    host.last_seen = rows.integer(r, 9);
    host.updated = rows.integer(r, 10);
    host.state = parseHostState(rows.text(r, 11)).value_or(HostState::New);
    host.state_changed = rows.integer(r, 12);
    host.notified_at = rows.optionalInteger(r, 13);
    host.remediated_at = rows.optionalInteger(r, 14);
    host.reinfections = static_cast<int>(rows.integer(r, 15));
    host.notice_token.assign(rows.text(r, 16));
    host.notice_expires = rows.optionalInteger(r, 17);
    host.partner_intel = parsePartnerLabels(rows.text(r, 18));
}

// As SqliteStore's: every SET expression reads the row as it was before the update.
constexpr const char* kUpsertHostSql =
    "INSERT INTO infected_hosts AS h (ip, addr, asn, as_name, country, family, confidence, reasons, evidence, "
    "first_seen, last_seen, updated, state, state_changed, partner_intel) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'new', $12, $13) "
    "ON CONFLICT (ip) DO UPDATE SET asn = excluded.asn, as_name = excluded.as_name, country = excluded.country, "
    "family = excluded.family, confidence = excluded.confidence, reasons = excluded.reasons, "
    "evidence = excluded.evidence, first_seen = LEAST(h.first_seen, excluded.first_seen), "
    "last_seen = GREATEST(h.last_seen, excluded.last_seen), updated = excluded.updated, "
    "partner_intel = CASE WHEN excluded.partner_intel = '' THEN h.partner_intel ELSE excluded.partner_intel END, "
    "state = CASE WHEN h.state = 'remediated' AND excluded.last_seen > h.state_changed THEN 'reinfected' "
    "ELSE h.state END, "
    "reinfections = h.reinfections + (h.state = 'remediated' AND excluded.last_seen > h.state_changed)::integer, "
    "state_changed = CASE WHEN h.state = 'remediated' AND excluded.last_seen > h.state_changed "
    "THEN excluded.last_seen ELSE h.state_changed END";

} // namespace

Result<void> PostgresStore::upsertInfectedHost(const InfectedHostRecord& record, Timestamp now) {
    PgParams params;
    params.text(record.ip.toString()).bytes(addressBlob(record.ip));
    if (record.asn) {
        params.integer(*record.asn);
    } else {
        params.null();
    }
    params.text(record.as_name)
        .text(record.country)
        .text(record.family)
        .integer(record.confidence)
        .text(reasonsJson(record.reasons))
        .text(evidenceJson(record.evidence))
        .integer(record.first_seen)
        .integer(record.last_seen)
        .integer(now)
        .text(partnerLabelsJson(record.partner_intel));
    KANSOKU_TRY(connection_->query(kUpsertHostSql, params, "infected host"));
    ++changes_;
    return {};
}

Result<void> PostgresStore::visitHosts(const SqlFilter& select, const HostVisitor& visit) {
    auto rows = connection_->query(select, "infected hosts");
    KANSOKU_TRY(rows);
    InfectedHostRecord host;
    for (int r = 0; r < rows->size(); ++r) {
        readHostRow(*rows, r, host);
        if (!visit(host)) {
            break;
        }
    }
    return {};
}

Result<std::vector<InfectedHostRecord>> PostgresStore::selectHosts(const SqlFilter& select) {
    std::vector<InfectedHostRecord> hosts;
    KANSOKU_TRY(visitHosts(select, [&](const InfectedHostRecord& host) {
        hosts.push_back(host);
        return true;
    }));
    return hosts;
}

Result<std::optional<InfectedHostRecord>> PostgresStore::infectedHost(const IpAddress& ip) {
    SqlFilter select{std::string(kHostColumns)};
    select.where("ip = ?", {ip.toString()});
    auto hosts = selectHosts(select);
    KANSOKU_TRY(hosts);
    if (hosts->empty()) {
        return std::optional<InfectedHostRecord>{};
    }
    return std::optional<InfectedHostRecord>{std::move(hosts->front())};
}

Result<std::vector<InfectedHostRecord>> PostgresStore::infectedHosts(const HostQuery& query) {
    return selectHosts(hostSelect(query));
}

Result<void> PostgresStore::forEachInfectedHost(const HostQuery& query, const HostVisitor& visit) {
    return visitHosts(hostSelect(query), visit);
}

Result<void> PostgresStore::upsertC2(const C2Record& record) {
    return atomically("c2", [&]() -> Result<void> {
        auto existing = connection_->query(
            "SELECT samples, family FROM c2 WHERE kind = $1 AND indicator = $2 AND port = $3 FOR UPDATE",
            PgParams().text(record.kind).text(record.indicator).integer(record.port), "c2");
        KANSOKU_TRY(existing);
        std::vector<std::string> samples = record.samples;
        std::string family = record.family;
        if (existing->size() > 0) {
            for (auto& sha : stringArray(existing->text(0, 0))) {
                samples.push_back(std::move(sha));
            }
            if (family == "unknown") {
                family = existing->text(0, 1);
            }
        }
        std::sort(samples.begin(), samples.end());
        samples.erase(std::unique(samples.begin(), samples.end()), samples.end());
        PgParams params;
        params.text(record.kind).text(record.indicator).integer(record.port);
        if (const auto address = IpAddress::parse(record.indicator)) {
            params.bytes(addressBlob(*address));
        } else {
            params.null();
        }
        params.text(family)
            .text(reasonsJson(samples))
            .integer(record.first_seen)
            .integer(record.last_seen)
            .text(partnerLabelsJson(record.partner_intel));
        KANSOKU_TRY(connection_->query(
            "INSERT INTO c2 AS c (kind, indicator, port, addr, family, samples, first_seen, last_seen, partner_intel) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (kind, indicator, port) DO UPDATE SET "
            "family = excluded.family, samples = excluded.samples, "
            "first_seen = LEAST(c.first_seen, excluded.first_seen), "
            "last_seen = GREATEST(c.last_seen, excluded.last_seen), "
            "partner_intel = CASE WHEN excluded.partner_intel = '' THEN c.partner_intel ELSE excluded.partner_intel "
            "END",
            params, "c2"));
        return {};
    });
}

Result<std::vector<C2Record>> PostgresStore::c2Records(std::optional<Timestamp> seen_since) {
    SqlFilter select("SELECT kind, indicator, port, family, samples, first_seen, last_seen, partner_intel FROM c2");
    if (seen_since) {
        select.where("last_seen >= ?", {*seen_since});
    }
    select.append(" ORDER BY kind, indicator, port");
    auto rows = connection_->query(select, "c2");
    KANSOKU_TRY(rows);
    std::vector<C2Record> records;
    for (int r = 0; r < rows->size(); ++r) {
        C2Record c2;
        c2.kind = rows->text(r, 0);
        c2.indicator = rows->text(r, 1);
        c2.port = static_cast<uint16_t>(rows->integer(r, 2));
        c2.family = rows->text(r, 3);
        c2.samples = stringArray(rows->text(r, 4));
        c2.first_seen = rows->integer(r, 5);
        c2.last_seen = rows->integer(r, 6);
        c2.partner_intel = parsePartnerLabels(rows->text(r, 7));
        records.push_back(std::move(c2));
    }
    return records;
}

Result<void> PostgresStore::recordFeedback(const FeedbackRecord& feedback) {
    const std::string ip = feedback.ip.toString();
    const std::string state(hostStateName(feedback.state));
    return atomically("feedback", [&]() -> Result<void> {
        auto updated = connection_->query(
            "UPDATE infected_hosts SET state = $1, state_changed = $2, "
            "notified_at = CASE WHEN $1 = 'notified' AND notified_at IS NULL THEN $2 ELSE notified_at END, "
            "remediated_at = CASE WHEN $1 = 'remediated' THEN $2 ELSE remediated_at END WHERE ip = $3",
            PgParams().text(state).integer(feedback.ts).text(ip), "feedback");
        KANSOKU_TRY(updated);
        if (updated->changed() == 0) {
            return fail("no infected host {}", ip);
        }
        KANSOKU_TRY(connection_->query(
            "INSERT INTO feedback (isp, ip, state, ts, note) VALUES ($1, $2, $3, $4, $5)",
            PgParams().text(feedback.isp).text(ip).text(state).integer(feedback.ts).text(feedback.note), "feedback"));
        return {};
    });
}

Result<std::vector<FeedbackRecord>> PostgresStore::feedback(std::optional<std::string> isp) {
    SqlFilter select("SELECT isp, ip, state, ts, note FROM feedback");
    if (isp) {
        select.where("isp = ?", {*isp});
    }
    select.append(" ORDER BY id");
    auto rows = connection_->query(select, "feedback");
    KANSOKU_TRY(rows);
    std::vector<FeedbackRecord> records;
    for (int r = 0; r < rows->size(); ++r) {
        records.push_back({std::string(rows->text(r, 0)), IpAddress::parse(rows->text(r, 1)).value_or(IpAddress{}),
                           parseHostState(rows->text(r, 2)).value_or(HostState::Notified), rows->integer(r, 3),
                           std::string(rows->text(r, 4))});
    }
    return records;
}

Result<void> PostgresStore::setNoticeToken(const IpAddress& ip, std::string_view token, Timestamp expires) {
    const std::string text = ip.toString();
    auto updated = connection_->query("UPDATE infected_hosts SET notice_token = $1, notice_expires = $2 WHERE ip = $3",
                                      PgParams().text(token).integer(expires).text(text), "notice token");
    KANSOKU_TRY(updated);
    if (updated->changed() == 0) {
        return fail("no infected host {}", text);
    }
    ++changes_;
    return {};
}

Result<std::optional<InfectedHostRecord>> PostgresStore::hostByNoticeToken(std::string_view token, Timestamp now) {
    if (token.empty()) {
        return std::optional<InfectedHostRecord>{};
    }
    SqlFilter select{std::string(kHostColumns)};
    select.where("notice_token = ? AND notice_expires > ?", {std::string(token), now});
    auto hosts = selectHosts(select);
    KANSOKU_TRY(hosts);
    if (hosts->empty()) {
        return std::optional<InfectedHostRecord>{};
    }
    return std::optional<InfectedHostRecord>{std::move(hosts->front())};
}

} // namespace kansoku::store

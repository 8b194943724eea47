// SqliteStore as an IntelStore: infected hosts, C2 endpoints, ISP feedback, notice tokens.

#include <algorithm>
#include <array>

#include "store/infected_host_columns.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {
namespace {

constexpr std::array<std::string_view, 6> kStateNames = {"new",      "notified",       "remediated",
                                                         "disputed", "false_positive", "reinfected"};

std::optional<int64_t> columnOptionalInt(sqlite3_stmt* s, int column) {
    if (sqlite3_column_type(s, column) == SQLITE_NULL) {
        return std::nullopt;
    }
    return sqlite3_column_int64(s, column);
}

/// Fills `host` from the row, reusing its strings' storage (a page of rows allocates little).
void readHostRow(sqlite3_stmt* s, InfectedHostRecord& host) {
    host.ip = IpAddress::parse(columnText(s, 0)).value_or(IpAddress{});
    if (const auto asn = columnOptionalInt(s, 1)) {
        host.asn = static_cast<uint32_t>(*asn);
    } else {
        host.asn.reset();
    }
    host.as_name.assign(columnText(s, 2));
    host.country.assign(columnText(s, 3));
    host.family.assign(columnText(s, 4));
    host.confidence = sqlite3_column_int(s, 5);
    readStringArray(columnText(s, 6), host.reasons);
    host.evidence.clear();
    if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
        host.evidence = parseEvidence(columnText(s, 7));
    }
    host.first_seen = sqlite3_column_int64(s, 8);
    host.last_seen = sqlite3_column_int64(s, 9);
    host.updated = sqlite3_column_int64(s, 10);
    host.state = parseHostState(columnText(s, 11)).value_or(HostState::New);
    host.state_changed = sqlite3_column_int64(s, 12);
    host.notified_at = columnOptionalInt(s, 13);
    host.remediated_at = columnOptionalInt(s, 14);
    host.reinfections = sqlite3_column_int(s, 15);
    host.notice_token.assign(columnText(s, 16));
    host.notice_expires = columnOptionalInt(s, 17);
    host.partner_intel = parsePartnerLabels(columnText(s, 18));
}

// Every SET expression reads the row as it was before the update (SQL's rule), so the re-infection
// test sees the old state.
constexpr const char* kUpsertHostSql =
    "INSERT INTO infected_hosts (ip, addr, asn, as_name, country, family, confidence, reasons, evidence, "
    "first_seen, last_seen, updated, state, state_changed, partner_intel) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?) "
    "ON CONFLICT (ip) DO UPDATE SET asn = excluded.asn, as_name = excluded.as_name, country = excluded.country, "
    "family = excluded.family, confidence = excluded.confidence, reasons = excluded.reasons, "
    "evidence = excluded.evidence, first_seen = MIN(first_seen, excluded.first_seen), "
    "last_seen = MAX(last_seen, excluded.last_seen), updated = excluded.updated, "
    "partner_intel = CASE WHEN excluded.partner_intel = '' THEN partner_intel ELSE excluded.partner_intel END, "
    "state = CASE WHEN state = 'remediated' AND excluded.last_seen > state_changed THEN 'reinfected' "
    "ELSE state END, "
    "reinfections = reinfections + (state = 'remediated' AND excluded.last_seen > state_changed), "
    "state_changed = CASE WHEN state = 'remediated' AND excluded.last_seen > state_changed "
    "THEN excluded.last_seen ELSE state_changed END";

} // namespace

std::string_view hostStateName(HostState state) {
    return kStateNames[static_cast<size_t>(state)];
}

std::optional<HostState> parseHostState(std::string_view name) {
    for (size_t i = 0; i < kStateNames.size(); ++i) {
        if (kStateNames[i] == name) {
            return static_cast<HostState>(i);
        }
    }
    return std::nullopt;
}

Result<int> SqliteStore::change(sqlite3_stmt* statement, std::string_view context) {
    KANSOKU_TRY(stepDone(statement, context));
    return sqlite3_changes(db_.get());
}

Result<void> SqliteStore::upsertInfectedHost(const InfectedHostRecord& record, Timestamp now) {
    if (!upsert_host_) {
        auto statement = prepare(kUpsertHostSql);
        if (!statement) {
            return fail(statement.error());
        }
        upsert_host_ = std::move(*statement);
    }
    sqlite3_stmt* s = upsert_host_.get();
    sqlite3_reset(s);
    sqlite3_clear_bindings(s); // asn stays NULL when unknown
    const std::string ip = record.ip.toString();
    const std::string addr = addressBlob(record.ip);
    const std::string reasons = reasonsJson(record.reasons);
    const std::string evidence = evidenceJson(record.evidence);
    const std::string partner_intel = partnerLabelsJson(record.partner_intel);
    bindText(s, 1, ip);
    bindBlob(s, 2, addr);
    if (record.asn) {
        sqlite3_bind_int64(s, 3, *record.asn);
    }
    bindText(s, 4, record.as_name);
    bindText(s, 5, record.country);
    bindText(s, 6, record.family);
    sqlite3_bind_int(s, 7, record.confidence);
    bindText(s, 8, reasons);
    bindText(s, 9, evidence);
    sqlite3_bind_int64(s, 10, record.first_seen);
    sqlite3_bind_int64(s, 11, record.last_seen);
    sqlite3_bind_int64(s, 12, now);
    sqlite3_bind_int64(s, 13, now);
    bindText(s, 14, partner_intel);
    auto done = stepDone(s, "infected host");
    sqlite3_reset(s); // the bound strings are about to go
    return done;
}

Result<void> SqliteStore::visitHosts(const SqlFilter& select, const HostVisitor& visit) {
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("infected hosts"));
    }
    InfectedHostRecord host;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        readHostRow(s, host);
        if (!visit(host)) {
            return {};
        }
    }
    if (rc != SQLITE_DONE) {
        return fail(error("infected hosts"));
    }
    return {};
}

Result<std::vector<InfectedHostRecord>> SqliteStore::selectHosts(const SqlFilter& select) {
    std::vector<InfectedHostRecord> hosts;
    auto visited = visitHosts(select, [&](const InfectedHostRecord& host) {
        hosts.push_back(host);
        return true;
    });
    KANSOKU_TRY(visited);
    return hosts;
}

Result<std::optional<InfectedHostRecord>> SqliteStore::infectedHost(const IpAddress& ip) {
    SqlFilter select{std::string(kHostColumns)};
    select.where("ip = ?", {ip.toString()});
    auto hosts = selectHosts(select);
    KANSOKU_TRY(hosts);
    if (hosts->empty()) {
        return std::optional<InfectedHostRecord>{};
    }
    return std::optional<InfectedHostRecord>{std::move(hosts->front())};
}

Result<std::vector<InfectedHostRecord>> SqliteStore::infectedHosts(const HostQuery& query) {
    return selectHosts(hostSelect(query));
}

Result<void> SqliteStore::forEachInfectedHost(const HostQuery& query, const HostVisitor& visit) {
    return visitHosts(hostSelect(query), visit);
}

Result<void> SqliteStore::upsertC2(const C2Record& record) {
    auto existing = prepare("SELECT samples, family FROM c2 WHERE kind = ? AND indicator = ? AND port = ?");
    if (!existing) {
        return fail(existing.error());
    }
    bindText(existing->get(), 1, record.kind);
    bindText(existing->get(), 2, record.indicator);
    sqlite3_bind_int(existing->get(), 3, record.port);
    std::vector<std::string> samples = record.samples;
    std::string family = record.family;
    if (sqlite3_step(existing->get()) == SQLITE_ROW) {
        for (auto& sha : stringArray(columnText(existing->get(), 0))) {
            samples.push_back(std::move(sha));
        }
        if (family == "unknown") {
            family = columnText(existing->get(), 1);
        }
    }
    std::sort(samples.begin(), samples.end());
    samples.erase(std::unique(samples.begin(), samples.end()), samples.end());
    auto statement = prepare(
        "INSERT INTO c2 (kind, indicator, port, addr, family, samples, first_seen, last_seen, partner_intel) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, indicator, port) DO UPDATE SET family = "
        "excluded.family, "
        "samples = excluded.samples, first_seen = MIN(first_seen, excluded.first_seen), "
        "last_seen = MAX(last_seen, excluded.last_seen), "
        "partner_intel = CASE WHEN excluded.partner_intel = '' THEN partner_intel ELSE excluded.partner_intel END");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    const auto address = IpAddress::parse(record.indicator);
    const std::string addr = address ? addressBlob(*address) : std::string();
    const std::string samples_json = reasonsJson(samples);
    const std::string partner_intel = partnerLabelsJson(record.partner_intel);
    bindText(s, 1, record.kind);
    bindText(s, 2, record.indicator);
    sqlite3_bind_int(s, 3, record.port);
    if (address) {
        bindBlob(s, 4, addr);
    }
    bindText(s, 5, family);
    bindText(s, 6, samples_json);
    sqlite3_bind_int64(s, 7, record.first_seen);
    sqlite3_bind_int64(s, 8, record.last_seen);
    bindText(s, 9, partner_intel);
    return stepDone(s, "c2");
}

Result<std::vector<C2Record>> SqliteStore::c2Records(std::optional<Timestamp> seen_since) {
    SqlFilter select("SELECT kind, indicator, port, family, samples, first_seen, last_seen, partner_intel FROM c2");
    if (seen_since) {
        select.where("last_seen >= ?", {*seen_since});
    }
    select.append(" ORDER BY kind, indicator, port");
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("c2"));
    }
    std::vector<C2Record> records;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        C2Record r;
        r.kind = columnText(s, 0);
        r.indicator = columnText(s, 1);
        r.port = static_cast<uint16_t>(sqlite3_column_int(s, 2));
        r.family = columnText(s, 3);
        r.samples = stringArray(columnText(s, 4));
        r.first_seen = sqlite3_column_int64(s, 5);
        r.last_seen = sqlite3_column_int64(s, 6);
        r.partner_intel = parsePartnerLabels(columnText(s, 7));
        records.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("c2"));
    }
    return records;
}

Result<void> SqliteStore::recordFeedback(const FeedbackRecord& feedback) {
    const std::string ip = feedback.ip.toString();
    const std::string state(hostStateName(feedback.state));
    auto update = prepare("UPDATE infected_hosts SET state = ?, state_changed = ?, "
                          "notified_at = CASE WHEN ? = 'notified' AND notified_at IS NULL THEN ? ELSE notified_at END, "
                          "remediated_at = CASE WHEN ? = 'remediated' THEN ? ELSE remediated_at END WHERE ip = ?");
    if (!update) {
        return fail(update.error());
    }
    sqlite3_stmt* u = update->get();
    bindText(u, 1, state);
    sqlite3_bind_int64(u, 2, feedback.ts);
    bindText(u, 3, state);
    sqlite3_bind_int64(u, 4, feedback.ts);
    bindText(u, 5, state);
    sqlite3_bind_int64(u, 6, feedback.ts);
    bindText(u, 7, ip);
    auto changed = change(u, "feedback");
    KANSOKU_TRY(changed);
    if (*changed == 0) {
        return fail("no infected host {}", ip);
    }
    auto insert = prepare("INSERT INTO feedback (isp, ip, state, ts, note) VALUES (?, ?, ?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    sqlite3_stmt* s = insert->get();
    bindText(s, 1, feedback.isp);
    bindText(s, 2, ip);
    bindText(s, 3, state);
    sqlite3_bind_int64(s, 4, feedback.ts);
    bindText(s, 5, feedback.note);
    return stepDone(s, "feedback");
}

Result<std::vector<FeedbackRecord>> SqliteStore::feedback(std::optional<std::string> isp) {
    SqlFilter select("SELECT isp, ip, state, ts, note FROM feedback");
    if (isp) {
        select.where("isp = ?", {*isp});
    }
    select.append(" ORDER BY id");
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("feedback"));
    }
    std::vector<FeedbackRecord> records;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        records.push_back({std::string(columnText(s, 0)), IpAddress::parse(columnText(s, 1)).value_or(IpAddress{}),
                           parseHostState(columnText(s, 2)).value_or(HostState::Notified), sqlite3_column_int64(s, 3),
                           std::string(columnText(s, 4))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("feedback"));
    }
    return records;
}

Result<void> SqliteStore::setNoticeToken(const IpAddress& ip, std::string_view token, Timestamp expires) {
    auto statement = prepare("UPDATE infected_hosts SET notice_token = ?, notice_expires = ? WHERE ip = ?");
    if (!statement) {
        return fail(statement.error());
    }
    const std::string text = ip.toString();
    bindText(statement->get(), 1, token);
    sqlite3_bind_int64(statement->get(), 2, expires);
    bindText(statement->get(), 3, text);
    auto changed = change(statement->get(), "notice token");
    KANSOKU_TRY(changed);
    if (*changed == 0) {
        return fail("no infected host {}", text);
    }
    return {};
}

Result<std::optional<InfectedHostRecord>> SqliteStore::hostByNoticeToken(std::string_view token, Timestamp now) {
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

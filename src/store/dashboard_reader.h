#pragma once

/// What the dashboard's REST API reads (issue 13): counts, series and top lists from the rollups of
/// migrations 0006 and 0007 (event_minutes and event_hours, probe_minutes, port_minutes, top_hours and
/// top_days, source_sketches), searches over the typed
/// columns of `events`, single events and their neighbours. Its own read-only connection, so the
/// web worker that owns it never waits on the writer (WAL). A tenant's questions (an AddressScope)
/// are answered from the events whose address lies in one of its prefixes, since the rollups are
/// not kept per address; those scans are bounded (kTenantRows).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address_scope.h"
#include "common/result.h"
#include "common/time.h"

struct sqlite3;

namespace kansoku::store {

class SqlFilter;

/// [from, to), microseconds.
struct TimeRange {
    Timestamp from = 0;
    Timestamp to = 0;
};

/// One stored event as the API shows it: its id and its JSON line.
struct StoredEvent {
    int64_t id = 0;
    std::string type;
    Timestamp ts = 0;
    std::string sensor;
    std::string body; ///< the whole event as one JSON object (Event::toJsonLine)
};

/// One row of a top list.
struct TopItem {
    std::string key;
    int64_t count = 0;
    int64_t amount = 0; ///< probes (sources, tools, ports), successes (credentials), 0 otherwise
    std::string label;  ///< asns: the AS name
};

/// A top list. Lists of closed hours and days are read from summaries that keep each period's top
/// keys only (migration 0007): every count and amount listed may be short by at most `error_bound`
/// (in the list's order column: probes for sources and ports, count otherwise), and a key left out
/// had at most that much. 0: exact.
struct TopList {
    std::vector<TopItem> items;
    int64_t error_bound = 0;
};

/// Which top list (the kinds of top_hours, and those read from infected_hosts).
enum class TopKind : uint8_t { Sources, Ports, Asns, Countries, Tools, Families, Credentials, Commands };

/// A search over events. Unset members do not filter; newest first.
struct EventSearch {
    std::optional<std::string> type;
    std::optional<std::string> addr_lo; ///< 16-byte address form: addr BETWEEN lo AND hi
    std::optional<std::string> addr_hi;
    std::optional<int64_t> port;
    std::optional<std::string> family;
    std::optional<std::string> sha256;
    std::optional<std::string> session;
    std::optional<std::string> sensor;
    std::optional<Timestamp> from;
    std::optional<Timestamp> to;
    /// Continue after this (ts, id): the last row of the previous page.
    std::optional<std::pair<Timestamp, int64_t>> after;
    int64_t limit = 100;
};

struct EventPage {
    std::vector<StoredEvent> events;
    bool more = false; ///< another page follows the last event
};

class DashboardReader {
public:
    /// Rows a tenant's aggregate may read before it answers with what it has.
    static constexpr int64_t kTenantRows = 200000;

    /// Opens `path` read-only (the writer has migrated it).
    static Result<std::unique_ptr<DashboardReader>> open(const std::string& path);
    ~DashboardReader();
    DashboardReader(const DashboardReader&) = delete;
    DashboardReader& operator=(const DashboardReader&) = delete;

    /// Events per type in `range` (minute resolution: whole hours from event_hours, the edges from
    /// event_minutes; a tenant: its own events, exact).
    Result<std::map<std::string, int64_t>> countsByType(TimeRange range, const AddressScope* scope);
    /// Darknet probes and per-minute sources summed over `range` (all ports).
    Result<std::pair<int64_t, int64_t>> probeTotals(TimeRange range);
    /// Distinct scan sources in `range` (hour resolution, merged HyperLogLog sketches: 1.6% standard
    /// error; a tenant: its own, exact).
    Result<int64_t> distinctSources(TimeRange range, const AddressScope* scope);
    /// Infected hosts last seen in `range` (a tenant: in its scope, prefixes or ASNs).
    Result<int64_t> infectedHostCount(TimeRange range, const AddressScope* scope);

    /// Events of `type` per bucket of `step` from `range.from` (aligned to step) until range.to.
    Result<std::vector<int64_t>> countSeries(std::string_view type, TimeRange range, Timestamp step,
                                             const AddressScope* scope);
    /// Probes (or per-minute sources summed, when `sources`) per bucket, for one port or all.
    Result<std::vector<int64_t>> probeSeries(TimeRange range, Timestamp step, std::optional<int64_t> port,
                                             std::optional<std::string> proto, bool sources);

    /// The top `limit` of `kind` in `range` (hour resolution for the rollups; whole days from their
    /// summaries).
    Result<TopList> top(TopKind kind, TimeRange range, int64_t limit, const AddressScope* scope);

    /// A page of events matching `search` (a tenant: inside its prefixes only).
    Result<EventPage> search(const EventSearch& search, const AddressScope* scope);
    /// The event with `id`, if it is of `type`.
    Result<std::optional<StoredEvent>> event(int64_t id, std::string_view type);
    /// Every event of a honeypot session, in order (at most `limit`).
    Result<std::vector<StoredEvent>> sessionEvents(std::string_view session, int64_t limit);
    /// Events about a sample (sample, sandbox.report, honeypot.download), in order (at most `limit`).
    Result<std::vector<StoredEvent>> sampleEvents(std::string_view sha256, int64_t limit);
    /// The latest `sample` event of each of the `limit` most recent samples with a fuzzy digest.
    Result<std::vector<StoredEvent>> recentSamples(int64_t limit);
    /// SHA-256 of samples that list `sha256` as their parent (files it dropped).
    Result<std::vector<std::string>> droppedBy(std::string_view sha256, int64_t limit);

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    DashboardReader(std::string path, sqlite3* db);
    /// The rollup top list of `kind` (a top_hours kind) over `range`: whole summarised days from top_days,
    /// the other hours from top_hours; with its error bound.
    Result<std::pair<SqlFilter, int64_t>> topFromSummaries(std::string_view kind, bool by_amount, TimeRange range,
                                                           int64_t limit);
    Error error(std::string_view context) const;

    std::string path_;
    std::unique_ptr<sqlite3, Closer> db_;
};

/// The kind's name in the API ("sources", "ports", ...), and back.
std::string_view topKindName(TopKind kind);
std::optional<TopKind> parseTopKind(std::string_view name);

} // namespace kansoku::store

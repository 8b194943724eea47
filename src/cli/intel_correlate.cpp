// `kansoku intel correlate [--since 24h] [--config F] [--db PATH] [--json]`: reads the stored
// events correlation needs, upserts the infected hosts and C2 endpoints it finds into the same
// database, and prints one summary line.

#include "cli/intel_correlate.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/benign_scanners.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/progress.h"
#include "cli/time_option.h"
#include "intel/enricher.h"
#include "intel/partner_intel.h"
#include "intel/stored_correlation.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct CorrelateArgs {
    ConfigOption config;
    std::string since;
    std::string db;
    bool json = false;
};

std::string plural(uint64_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

void correlateMain(const CorrelateArgs& args) {
    const app::Config config = args.config.load();
    const std::string path = args.db.empty() ? config.storage.location() : args.db;
    intel::StoredCorrelationOptions options;
    if (!args.since.empty()) {
        options.since = parseTimeOption("--since", args.since, nowMicros());
    }
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw CommandError(fmt::format("database {}: no such file (give --db or --config)", path));
    }
    auto database = orThrow(store::openDatabase(path, store::OpenMode::ReadWriteCreate));
    // Enrichment is optional here as in `kansoku run`: without the data, hosts have no AS or country.
    std::unique_ptr<intel::Enricher> enricher;
    if (auto opened = intel::Enricher::open(config.intel.enrichment)) {
        enricher = std::move(*opened);
    } else if (!args.json) {
        std::fprintf(stderr, "note: no AS or country for the hosts: %s\n", opened.error().message.c_str());
    }
    const auto benign = orThrow(app::loadBenignScanners(config.intel, ""));
    intel::Correlator correlator(config.intel.correlation, enricher.get(), benign.get());
    // Partners' indicators label the hosts and C2 endpoints they name; sightings are counted only by the
    // live pipeline (`kansoku run`), so a re-run over stored events never counts an observation twice.
    intel::PartnerIntel partners;
    orThrow(partners.reload(*database, nowMicros()));
    correlator.setPartnerIntel(&partners);

    Progress progress;
    if (progress.enabled()) {
        options.progress = [&progress](uint64_t done, uint64_t total) {
            progress.updateItems("correlate", done, total, "events");
        };
    }
    const auto summary = intel::correlateStored(*database, correlator, options);
    progress.finish();
    if (!summary) {
        throw CommandError(summary.error().message);
    }
    const intel::CorrelatorCounters& c = summary->counters;
    const uint64_t evicted = c.evicted_hosts + c.evicted_scan_sources + c.evicted_sessions + c.evicted_samples;
    const double seconds = summary->read_seconds + summary->write_seconds;
    if (args.json) {
        const nlohmann::ordered_json line = {{"database", path},
                                             {"events", summary->events},
                                             {"hosts", summary->hosts},
                                             {"c2", summary->c2},
                                             {"malformed", c.malformed},
                                             {"refused_benign", c.refused_benign},
                                             {"refused_scanner", c.refused_scanner},
                                             {"refused_victim", c.refused_victim},
                                             {"evicted", evicted},
                                             {"seconds", seconds}};
        std::puts(line.dump().c_str());
        return;
    }
    std::printf("correlated %s in %.1f s: %s, %s into %s (%llu malformed, %llu evicted)\n",
                plural(summary->events, "event", "events").c_str(), seconds,
                plural(summary->hosts, "infected host", "infected hosts").c_str(),
                plural(summary->c2, "C2 endpoint", "C2 endpoints").c_str(), path.c_str(),
                static_cast<unsigned long long>(c.malformed), static_cast<unsigned long long>(evicted));
}

} // namespace

void addIntelCorrelateCommand(CLI::App& intel) {
    auto args = std::make_shared<CorrelateArgs>();
    auto* correlate = intel.add_subcommand(
        "correlate", "Find infected hosts and C2 endpoints in the stored events and write them to the database "
                     "(docs/correlation.md)");
    args->config.add(*correlate);
    correlate->add_option("--since", args->since, "Only events from this time: RFC 3339 or a duration back (24h, 7d)");
    correlate->add_option(
        "--db", args->db,
        "SQLite file or postgresql:// URL (default: storage.url, else storage.database of the config)");
    correlate->add_flag("--json", args->json, "The summary as one JSON object");
    correlate->callback([args] { correlateMain(*args); });
}

} // namespace kansoku::cli

// `kansoku export misp --out DIR [--community C] [--since T] [--tlp CEILING]`: kansoku's knowledge as
// a MISP feed directory (issue 12 item 5, docs/sharing.md "MISP feeds"): manifest.json, hashes.csv and
// one <uuid>.json per event, each file replaced atomically so a MISP instance polling DIR never reads
// half of one. Events above the TLP ceiling are left out; every export is a line of the sharing log.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/time_option.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_feed_producer.h"
#include "share/sharing/sharing_config.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct MispArgs {
    ConfigOption config;
    std::string db;
    std::string out;
    std::string community;
    std::string since;
    std::string tlp = "green";
    std::string subscribers; ///< "": the community's policy ([[sharing.community]], else [sharing.stix])
    std::string key_file;
    std::string identity; ///< "": [sharing.stix] identity_name
};

std::string readKey(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw CommandError(fmt::format("export misp: cannot read {}", path));
    }
    std::string key((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
        key.pop_back();
    }
    return key;
}

void mispMain(const MispArgs& args) {
    const app::Config config = args.config.load();
    if (!args.community.empty() && !config.sharing.hasCommunity(args.community)) {
        throw CommandError(
            fmt::format("export misp: no --community '{}' (sharing.communities)", args.community.substr(0, 64)));
    }
    share::misp::MispScope scope;
    scope.community = args.community;
    const auto ceiling = share::stix::parseTlp(args.tlp);
    if (!ceiling || *ceiling == share::stix::Tlp::Red) {
        throw CommandError(fmt::format("export misp: --tlp must be clear, green, amber or amber+strict, not '{}'",
                                       args.tlp.substr(0, 40)));
    }
    scope.ceiling = *ceiling;
    // The community's policy unless the flags say otherwise.
    const share::CommunityPolicy community = config.sharing.policyOf(args.community);
    const std::string& policy_name = args.subscribers.empty() ? community.subscribers : args.subscribers;
    const auto policy = share::stix::parseSubscriberPolicy(policy_name);
    if (!policy) {
        throw CommandError(
            fmt::format("export misp: --subscribers must be withhold, pseudonymise or aggregate24, not '{}'",
                        policy_name.substr(0, 40)));
    }
    scope.subscribers = *policy;
    if (*policy == share::stix::SubscriberPolicy::Pseudonymise) {
        scope.pseudonym_key = args.key_file.empty() ? community.pseudonym_key : readKey(args.key_file);
        if (scope.pseudonym_key.empty()) {
            throw CommandError("export misp: --subscribers pseudonymise needs --pseudonym-key-file (or the community's "
                               "pseudonym_key)");
        }
    }
    if (!args.since.empty()) {
        scope.since = parseTimeOption("--since", args.since, nowMicros());
    }
    const std::string database = args.db.empty() ? config.storage.location() : args.db;
    std::error_code ec;
    if (!std::filesystem::exists(database, ec)) {
        throw CommandError(fmt::format("export misp: no database at {}", database));
    }
    // Read-write: the export is written to the sharing log.
    auto store = orThrow(store::openDatabase(database, store::OpenMode::ReadWriteCreate));
    share::stix::StixConfig stix = config.sharing.stix;
    if (!args.identity.empty()) {
        stix.identity_name = args.identity;
    }
    share::misp::MispFeedProducer producer(*store, stix);
    auto events = producer.produce(scope);
    if (!events) {
        throw CommandError(fmt::format("export misp: {}", events.error().message));
    }
    const size_t event_count = events->size();
    auto written = share::misp::writeMispFeedDirectory(args.out, std::move(*events), producer.org());
    if (!written) {
        throw CommandError(fmt::format("export misp: {}", written.error().message));
    }
    const auto& counts = producer.counts();
    std::string kinds;
    for (const auto& [kind, n] : counts.events_by_kind) {
        kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, kind);
    }
    const std::string summary = fmt::format(
        "{} events ({}), {} attributes, TLP up to {}; {} files written, {} unchanged, {} removed; {} events above "
        "the ceiling, {} C2 records not shareable, {} infected hosts withheld",
        event_count, kinds.empty() ? "none" : kinds, counts.attributes, share::stix::tlpName(scope.ceiling),
        written->written, written->unchanged, written->removed, counts.above_ceiling, counts.c2_refused,
        counts.hosts_withheld);
    auto logged = store->logSharing({nowMicros(), std::filesystem::absolute(args.out, ec).string(), args.community,
                                     "misp-export", static_cast<int64_t>(event_count), summary});
    if (!logged) {
        throw CommandError(
            fmt::format("export misp: the feed is written but the sharing log is not: {}", logged.error().message));
    }
    std::fprintf(stderr, "export misp: %s\n", summary.c_str());
}

} // namespace

void addExportMispCommand(CLI::App& exporter) {
    auto args = std::make_shared<MispArgs>();
    auto* cmd = exporter.add_subcommand(
        "misp", "kansoku's malware families, C2, outbreaks and (as policy allows) infected hosts as a MISP feed "
                "directory: manifest.json, hashes.csv, <uuid>.json (docs/sharing.md)");
    cmd->add_option("--out", args->out, "the feed directory (made if missing; files replaced atomically)")
        ->required()
        ->type_name("DIR");
    cmd->add_option("--community", args->community,
                    "the sharing community the feed is for (amber+strict events only with one)");
    cmd->add_option("--since", args->since, "only what was seen from this time: RFC 3339 or a duration back (24h, 7d)");
    cmd->add_option("--tlp", args->tlp, "the most restricted TLP to include: clear, green, amber or amber+strict")
        ->capture_default_str();
    cmd->add_option("--subscribers", args->subscribers,
                    "infected-host addresses: withhold (never), pseudonymise (Crypto-PAn) or aggregate24 (their /24); "
                    "default: the community's policy");
    cmd->add_option("--pseudonym-key-file", args->key_file,
                    "file holding the Crypto-PAn key (64 hex digits, or a long random secret)");
    cmd->add_option("--identity", args->identity,
                    "the producer's name (MISP Orgc; keep it stable: it seeds the uuids); default: [sharing.stix]");
    cmd->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*cmd);
    cmd->callback([args] { mispMain(*args); });
}

} // namespace kansoku::cli

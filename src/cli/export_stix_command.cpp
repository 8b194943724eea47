// `kansoku export stix [--community C] [--since T] [--out FILE]`: kansoku's knowledge as one STIX 2.1
// bundle (issue 12 item 1, docs/stix.md), streamed object by object to stdout or into a file that
// replaces FILE only once complete. What infected-host addresses become is --subscribers' choice
// (default: withheld); the Crypto-PAn key is read from a file, never from the command line.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/time_option.h"
#include "share/stix/stix_bundle_writer.h"
#include "share/stix/stix_producer.h"
#include "store/sqlite_store.h"

namespace kansoku::cli {
namespace {

struct StixArgs {
    ConfigOption config;
    std::string db;
    std::string community;
    std::string since;
    std::string out;
    std::string subscribers = "withhold";
    std::string key_file;
    std::string identity = "kansoku";
};

std::string readKey(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (!file.good() && !file.eof()) {
        throw CommandError(fmt::format("export stix: cannot read {}", path));
    }
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
        key.pop_back();
    }
    return key;
}

void stixMain(const StixArgs& args) {
    share::stix::ProduceScope scope;
    scope.community = args.community;
    const auto policy = share::stix::parseSubscriberPolicy(args.subscribers);
    if (!policy) {
        throw CommandError(
            fmt::format("export stix: --subscribers must be withhold, pseudonymise or aggregate24, not '{}'",
                        args.subscribers.substr(0, 40)));
    }
    scope.subscribers = *policy;
    if (*policy == share::stix::SubscriberPolicy::Pseudonymise) {
        if (args.key_file.empty()) {
            throw CommandError("export stix: --subscribers pseudonymise needs --pseudonym-key-file");
        }
        scope.pseudonymKey = readKey(args.key_file);
    }
    if (!args.since.empty()) {
        scope.since = parseTimeOption("--since", args.since, nowMicros());
    }
    const app::Config config = args.config.load();
    auto store = orThrow(
        store::SqliteStore::open(args.db.empty() ? config.storage.database : args.db, store::OpenMode::ReadOnly));
    // [sharing.stix] (share/stix/stix_config.h) is read here once app::Config carries it; until then its defaults.
    share::stix::StixConfig stix;
    stix.identity_name = args.identity;
    share::stix::StixProducer producer(*store, share::stix::producerIdentity(stix), stix);

    const bool to_stdout = args.out.empty() || args.out == "-";
    const std::string temporary = args.out + ".tmp";
    std::ofstream file;
    if (!to_stdout) {
        file.open(temporary, std::ios::binary | std::ios::trunc);
        if (!file) {
            throw CommandError(fmt::format("export stix: cannot write {}", temporary));
        }
    }
    std::ostream& out = to_stdout ? std::cout : file;
    share::stix::StixBundleWriter bundle(out);
    auto produced = producer.produce(
        scope, [&bundle](share::stix::StixObject&& object) -> Result<void> { return bundle.add(object); });
    auto finished = produced ? bundle.finish() : Result<void>(fail(produced.error()));
    if (!to_stdout) {
        file.close();
        std::error_code ec;
        if (!finished || !file) {
            std::filesystem::remove(temporary, ec);
            throw CommandError(
                fmt::format("export stix: {}", finished ? "cannot write " + temporary : finished.error().message));
        }
        std::filesystem::rename(temporary, args.out, ec);
        if (ec) {
            throw CommandError(fmt::format("export stix: cannot replace {}: {}", args.out, ec.message()));
        }
    } else if (!finished) {
        throw CommandError(fmt::format("export stix: {}", finished.error().message));
    }
    const auto& counts = producer.counts();
    std::string types;
    for (const auto& [type, n] : counts.by_type) {
        types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, type);
    }
    std::fprintf(
        stderr, "export stix: %llu objects (%s); %llu C2 records not shareable, %llu infected hosts withheld\n",
        static_cast<unsigned long long>(counts.objects), types.c_str(),
        static_cast<unsigned long long>(counts.c2_refused), static_cast<unsigned long long>(counts.hosts_withheld));
}

} // namespace

void addExportStixCommand(CLI::App& exporter) {
    auto args = std::make_shared<StixArgs>();
    auto* cmd = exporter.add_subcommand("stix", "kansoku's indicators, malware, sightings and statistics as a STIX 2.1 "
                                                "bundle (docs/stix.md)");
    cmd->add_option("--community", args->community, "the sharing community the bundle is for");
    cmd->add_option("--since", args->since, "only what was seen from this time: RFC 3339 or a duration back (24h, 7d)");
    cmd->add_option("--out", args->out, "write to this file (replaced when complete); default: stdout");
    cmd->add_option("--subscribers", args->subscribers,
                    "infected-host addresses: withhold (never), pseudonymise (Crypto-PAn) or aggregate24 (their /24)")
        ->capture_default_str();
    cmd->add_option("--pseudonym-key-file", args->key_file,
                    "file holding the Crypto-PAn key (64 hex digits, or a long random secret)");
    cmd->add_option("--identity", args->identity, "the producer identity's name")->capture_default_str();
    cmd->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*cmd);
    cmd->callback([args] { stixMain(*args); });
}

} // namespace kansoku::cli

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
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct StixArgs {
    ConfigOption config;
    std::string db;
    std::string community;
    std::string since;
    std::string out;
    std::string subscribers; ///< "" : the community's policy ([[sharing.community]], else [sharing.stix])
    std::string key_file;
    std::string identity;             ///< "" : [sharing.stix] identity_name
    std::string tlp = "amber+strict"; ///< the recipient's ceiling
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
    const app::Config config = args.config.load();
    if (!args.community.empty() && !config.sharing.hasCommunity(args.community)) {
        throw CommandError(
            fmt::format("export stix: no community '{}' (sharing.communities)", args.community.substr(0, 64)));
    }
    // The community's policy unless the flags say otherwise.
    const share::CommunityPolicy community = config.sharing.policyOf(args.community);
    share::stix::ProduceScope scope;
    scope.community = args.community;
    const std::string& policy_name = args.subscribers.empty() ? community.subscribers : args.subscribers;
    const auto policy = share::stix::parseSubscriberPolicy(policy_name);
    if (!policy) {
        throw CommandError(
            fmt::format("export stix: --subscribers must be withhold, pseudonymise or aggregate24, not '{}'",
                        policy_name.substr(0, 40)));
    }
    scope.subscribers = *policy;
    if (*policy == share::stix::SubscriberPolicy::Pseudonymise) {
        scope.pseudonymKey = args.key_file.empty() ? community.pseudonym_key : readKey(args.key_file);
        if (scope.pseudonymKey.empty()) {
            throw CommandError("export stix: --subscribers pseudonymise needs --pseudonym-key-file (or the community's "
                               "pseudonym_key)");
        }
    }
    if (!args.since.empty()) {
        scope.since = parseTimeOption("--since", args.since, nowMicros());
    }
    const auto ceiling = share::stix::parseTlp(args.tlp);
    if (!ceiling || *ceiling == share::stix::Tlp::Red) {
        throw CommandError(fmt::format("export stix: --tlp must be clear, green, amber or amber+strict, not '{}'",
                                       args.tlp.substr(0, 40)));
    }
    const std::string path = args.db.empty() ? config.storage.location() : args.db;
    std::error_code missing;
    if (!std::filesystem::exists(path, missing)) {
        throw CommandError(fmt::format("export stix: database {}: no such file (give --db or --config)", path));
    }
    // Read-write only for the sharing log's row.
    auto store = orThrow(store::openDatabase(path, store::OpenMode::ReadWriteCreate));
    share::stix::StixConfig stix = config.sharing.stix;
    if (!args.identity.empty()) {
        stix.identity_name = args.identity;
    }
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
    uint64_t above_ceiling = 0;
    auto produced = producer.produce(scope, [&](share::stix::StixObject&& object) -> Result<void> {
        if (!share::stix::tlpAllows(*ceiling, object.tlp)) {
            ++above_ceiling; // the recipient may not see it (TLP 2.0)
            return {};
        }
        return bundle.add(object);
    });
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
    // What left the system, and for whom (issue 12 item 6; `kansoku sharing log`).
    orThrow(store->logSharing(
        {nowMicros(), to_stdout ? std::string("stdout") : args.out,
         args.community.empty() ? std::string("-") : args.community, "stix-export",
         static_cast<int64_t>(counts.objects - above_ceiling),
         fmt::format("subscribers {}, TLP up to {}", share::stix::subscriberPolicyName(scope.subscribers),
                     share::stix::tlpName(*ceiling))}));
    std::string types;
    for (const auto& [type, n] : counts.by_type) {
        types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, type);
    }
    std::fprintf(
        stderr,
        "export stix: %llu objects (%s); %llu above TLP:%s left out; %llu C2 records not shareable, %llu infected "
        "hosts withheld\n",
        static_cast<unsigned long long>(counts.objects - above_ceiling), types.c_str(),
        static_cast<unsigned long long>(above_ceiling), std::string(share::stix::tlpName(*ceiling)).c_str(),
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
                    "infected-host addresses: withhold (never), pseudonymise (Crypto-PAn) or aggregate24 (their /24); "
                    "default: the community's policy ([[sharing.community]], else sharing.stix.subscribers)");
    cmd->add_option("--pseudonym-key-file", args->key_file,
                    "file holding the Crypto-PAn key (64 hex digits, or a long random secret)");
    cmd->add_option("--tlp", args->tlp,
                    "the recipient's TLP ceiling: objects marked above it are left out (clear, green, amber, "
                    "amber+strict)")
        ->capture_default_str();
    cmd->add_option("--identity", args->identity, "the producer identity's name (default: sharing.stix.identity_name)");
    cmd->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*cmd);
    cmd->callback([args] { stixMain(*args); });
}

} // namespace kansoku::cli

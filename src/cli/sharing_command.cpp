// `kansoku sharing log [--since ...] [--json]`: what left the system, to whom and when (issue 12 item 6):
// every TAXII answer and export that carried objects.

#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/store_option.h"
#include "cli/time_option.h"

namespace kansoku::cli {
namespace {

struct SharingArgs {
    ConfigOption config;
    std::string db;
    std::string since = "7d";
    int64_t limit = 0;
    bool json = false;
};

void logMain(const SharingArgs& args) {
    const Timestamp since = parseTimeOption("--since", args.since, nowMicros());
    auto store = openStore(args.config, args.db, store::OpenMode::ReadOnly);
    const auto rows = orThrow(store->sharingLog(since, args.limit));
    if (args.json) {
        for (const auto& row : rows) {
            std::puts(nlohmann::ordered_json({{"ts", formatRfc3339(row.ts)},
                                              {"recipient", row.recipient},
                                              {"community", row.community},
                                              {"channel", row.channel},
                                              {"objects", row.objects},
                                              {"detail", row.detail}})
                          .dump()
                          .c_str());
        }
        return;
    }
    if (rows.empty()) {
        std::fprintf(stderr, "nothing was shared since %s\n", formatRfc3339(since).c_str());
        return;
    }
    std::printf("%-27s %-20s %-16s %-12s %8s  %s\n", "time", "recipient", "community", "channel", "objects", "detail");
    for (const auto& row : rows) {
        std::printf("%-27s %-20s %-16s %-12s %8lld  %s\n", formatRfc3339(row.ts).c_str(), row.recipient.c_str(),
                    row.community.c_str(), row.channel.c_str(), static_cast<long long>(row.objects),
                    row.detail.c_str());
    }
}

} // namespace

void addSharingCommand(CLI::App& app) {
    auto args = std::make_shared<SharingArgs>();
    auto* sharing = app.add_subcommand(
        "sharing", "International sharing: publish, pull partners' feeds, what was shared with whom");
    sharing->require_subcommand(1);
    auto* log = sharing->add_subcommand("log", "What was shared with whom and when (TAXII answers, exports)");
    args->config.add(*log);
    addDbOption(*log, args->db);
    log->add_option("--since", args->since, "From this time: RFC 3339 or an age such as 24h or 7d (7d)")
        ->type_name("TIME");
    log->add_option("--limit", args->limit, "At most this many rows (default: all)")->type_name("N");
    log->add_flag("--json", args->json, "One JSON object per line");
    log->callback([args] { logMain(*args); });
    addSharingPublishCommand(*sharing);
    addSharingPullCommand(*sharing);
}

} // namespace kansoku::cli

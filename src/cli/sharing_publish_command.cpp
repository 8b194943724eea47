// `kansoku sharing publish [--community C]`: kansoku's data, as STIX 2.1, into each community's `kansoku`
// TAXII collection now (issue 12 items 2-3); `kansoku run` does the same every [sharing] publish_interval.

#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/store_option.h"
#include "share/sharing/stix_publisher.h"

namespace kansoku::cli {
namespace {

struct PublishArgs {
    ConfigOption config;
    std::string db;
    std::string community;
};

void publishMain(const PublishArgs& args) {
    const app::Config config = args.config.load();
    const auto& sharing = config.sharing;
    if (!args.community.empty() && !sharing.hasCommunity(args.community)) {
        throw CommandError(
            fmt::format("sharing publish: no community '{}' (sharing.communities)", args.community.substr(0, 64)));
    }
    auto store = openStore(args.config, args.db, store::OpenMode::ReadWriteCreate);
    share::StixPublisher publisher(*store, sharing);
    for (const auto& community : sharing.communities) {
        if (!args.community.empty() && community != args.community) {
            continue;
        }
        const auto counts = orThrow(publisher.publish(community, nowMicros()));
        std::printf("%s: %llu objects produced, %llu new in its kansoku collection\n", community.c_str(),
                    static_cast<unsigned long long>(counts.produced), static_cast<unsigned long long>(counts.added));
    }
}

} // namespace

void addSharingPublishCommand(CLI::App& sharing) {
    auto args = std::make_shared<PublishArgs>();
    auto* cmd = sharing.add_subcommand(
        "publish", "Publish kansoku's data (STIX 2.1) into each community's kansoku collection now");
    args->config.add(*cmd);
    addDbOption(*cmd, args->db);
    cmd->add_option("--community", args->community, "Only this community (default: every one)")->type_name("NAME");
    cmd->callback([args] { publishMain(*args); });
}

} // namespace kansoku::cli

// `kansoku sharing pull [--feed NAME]`: pull partners' feeds ([[sharing.feeds]]) now, as `kansoku run` does
// every poll_interval (issue 12 item 4); `kansoku sharing feeds`: where each feed's pulls stand and what was
// kept of it.

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/store_option.h"
#include "share/sharing/feed_pull.h"

namespace kansoku::cli {
namespace {

struct PullArgs {
    ConfigOption config;
    std::string db;
    std::string feed;
};

void pullMain(const PullArgs& args) {
    const app::Config config = args.config.load();
    const auto& sharing = config.sharing;
    if (sharing.feeds.empty()) {
        throw CommandError("sharing pull: no feeds configured ([[sharing.feeds]] in the configuration)");
    }
    if (!args.feed.empty() && sharing.feed(args.feed) == nullptr) {
        throw CommandError(fmt::format("sharing pull: no feed '{}' in [[sharing.feeds]]", args.feed.substr(0, 64)));
    }
    auto store = openStore(args.config, args.db, store::OpenMode::ReadWriteCreate);
    int failed = 0;
    for (const auto& feed : sharing.feeds) {
        if (!args.feed.empty() && feed.name != args.feed) {
            continue;
        }
        auto counts = share::pullFeed(feed, *store, nowMicros());
        if (!counts) {
            std::fprintf(stderr, "kansoku: sharing pull: %s\n", counts.error().message.c_str());
            ++failed;
            continue;
        }
        std::printf("%s: %lld pages, %lld objects, %lld new or newer, %lld refused, %lld indicator values "
                    "(%lld indicators with patterns kansoku does not match)\n",
                    feed.name.c_str(), static_cast<long long>(counts->pages), static_cast<long long>(counts->received),
                    static_cast<long long>(counts->kept), static_cast<long long>(counts->refused),
                    static_cast<long long>(counts->values), static_cast<long long>(counts->unmatched));
        for (const auto& why : counts->refusals) {
            std::printf("  refused %s\n", why.c_str());
        }
    }
    if (failed > 0) {
        throw CommandError(fmt::format("sharing pull: {} feed{} failed", failed, failed == 1 ? "" : "s"));
    }
}

void feedsMain(const PullArgs& args) {
    const app::Config config = args.config.load();
    auto store = openStore(args.config, args.db, store::OpenMode::ReadOnly);
    const auto objects = orThrow(store->partnerObjects({}, {}));
    const auto values = orThrow(store->partnerIndicators(nowMicros()));
    std::map<std::string, std::pair<int64_t, int64_t>> kept; // feed -> objects, values
    for (const auto& o : objects) {
        ++kept[o.feed].first;
    }
    for (const auto& v : values) {
        ++kept[v.feed].second;
    }
    if (config.sharing.feeds.empty()) {
        std::fprintf(stderr, "no feeds configured ([[sharing.feeds]])\n");
    }
    std::printf("%-20s %-6s %-27s %-27s %9s %9s  %s\n", "feed", "kind", "last attempt", "last success", "objects",
                "values", "last error");
    for (const auto& feed : config.sharing.feeds) {
        const auto state = orThrow(store->feedState(feed.name));
        const auto when = [](Timestamp ts) { return ts == 0 ? std::string("never") : formatRfc3339(ts); };
        std::printf("%-20s %-6s %-27s %-27s %9lld %9lld  %s\n", feed.name.c_str(), feed.kind.c_str(),
                    when(state ? state->last_attempt : 0).c_str(), when(state ? state->last_success : 0).c_str(),
                    static_cast<long long>(kept[feed.name].first), static_cast<long long>(kept[feed.name].second),
                    state ? state->last_error.c_str() : "");
    }
}

} // namespace

void addSharingPullCommand(CLI::App& sharing) {
    auto args = std::make_shared<PullArgs>();
    auto* pull = sharing.add_subcommand("pull", "Pull partners' feeds ([[sharing.feeds]]) now");
    args->config.add(*pull);
    addDbOption(*pull, args->db);
    pull->add_option("--feed", args->feed, "Only this feed (default: every one)")->type_name("NAME");
    pull->callback([args] { pullMain(*args); });

    auto feeds_args = std::make_shared<PullArgs>();
    auto* feeds = sharing.add_subcommand("feeds", "Partners' feeds: last pull, last error, what was kept");
    feeds_args->config.add(*feeds);
    addDbOption(*feeds, feeds_args->db);
    feeds->callback([feeds_args] { feedsMain(*feeds_args); });
}

} // namespace kansoku::cli

// `kansoku notice`: subscriber notice links (issue 11 item 6, docs/notices.md). `issue IP` gives an
// infected host a link (or extends the one it has) and prints it, for the operator to pass to the
// ISP; `show TOKEN` says which host a link is for and until when it works.

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "common/duration.h"
#include "common/ip_address.h"
#include "share/notice/notice_token.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct NoticeArgs {
    ConfigOption config;
    std::string db;
    std::string address;
    std::string ttl;
    bool fresh = false;
    std::string token;
};

/// Where subscribers open the links: [web] notice_url, else this server's own URL.
std::string baseUrl(const app::Config& config) {
    std::string base = config.web.notice_url;
    if (base.empty()) {
        base = fmt::format("{}://{}:{}", config.web.tls() ? "https" : "http", config.web.address, config.web.port);
    }
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

std::unique_ptr<store::Database> openStore(const NoticeArgs& args, const app::Config& config, store::OpenMode mode) {
    return orThrow(store::openDatabase(args.db.empty() ? config.storage.location() : args.db, mode));
}

void issueMain(const NoticeArgs& args) {
    const auto address = IpAddress::parse(args.address);
    if (!address) {
        throw CommandError(
            fmt::format("notice issue: '{}' is not an IPv4 or IPv6 address", args.address.substr(0, 80)));
    }
    const app::Config config = args.config.load();
    share::notice::NoticeIssue options;
    options.ttl = config.web.notice_ttl;
    if (!args.ttl.empty()) {
        options.ttl = orThrow(Duration::parse(args.ttl));
        if (options.ttl < Duration::fromMinutes(1)) {
            throw CommandError("notice issue: --ttl must be at least 1m");
        }
    }
    options.fresh = args.fresh;
    auto store = openStore(args, config, store::OpenMode::ReadWriteCreate);
    const auto issued = orThrow(share::notice::issueNotice(*store, *address, nowMicros(), options));
    std::printf("%s%s\n", baseUrl(config).c_str(), issued.path.c_str());
    std::fprintf(stderr, "notice: %s link for %s, valid until %s\n", issued.reused ? "kept the" : "new",
                 address->toString().c_str(), formatRfc3339(issued.expires).c_str());
}

void showMain(const NoticeArgs& args) {
    const app::Config config = args.config.load();
    auto store = openStore(args, config, store::OpenMode::ReadOnly);
    std::optional<store::InfectedHostRecord> host;
    if (share::notice::isNoticeToken(args.token)) {
        host = orThrow(store->hostByNoticeToken(args.token, nowMicros()));
    }
    if (!host) {
        throw CommandError("notice show: no such link, or it has expired");
    }
    std::printf("ip       %s\nfamily   %s\nstate    %s\nexpires  %s\n", host->ip.toString().c_str(),
                host->family.c_str(), std::string(store::hostStateName(host->state)).c_str(),
                formatRfc3339(host->notice_expires.value_or(0)).c_str());
}

} // namespace

void addNoticeCommand(CLI::App& app) {
    auto* notice = app.add_subcommand("notice", "Subscriber notice links for infected hosts (/notice/<token>)");
    notice->require_subcommand(1);
    auto args = std::make_shared<NoticeArgs>();

    auto* issue = notice->add_subcommand(
        "issue", "Give an infected host a notice link (or extend its valid one) and print the URL for its ISP");
    issue->add_option("ip", args->address, "the infected host's address")->required();
    issue->add_option("--ttl", args->ttl, "how long the link works, e.g. 30d (default: [web] notice_ttl)");
    issue->add_flag("--new", args->fresh, "replace a still valid link (e.g. one that was passed to the wrong person)");
    issue->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*issue);
    issue->callback([args] { issueMain(*args); });

    auto* show = notice->add_subcommand("show", "Print which host a notice token is for and until when it works");
    show->add_option("token", args->token, "the token (the last part of the link)")->required();
    show->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*show);
    show->callback([args] { showMain(*args); });
}

} // namespace kansoku::cli

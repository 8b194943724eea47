// `kansoku partner ...`: partners of the sharing communities (issue 12 item 2). `add NAME --community C
// --tlp LEVEL` stores a partner and prints its secret once (only its SHA-256 is kept); `list`, `remove`,
// `rotate` (a new secret, printed once; the old one stops working at once). The rules live in
// share/sharing/partner_registry; this file only parses and prints.

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/store_option.h"
#include "share/sharing/partner_registry.h"

namespace kansoku::cli {
namespace {

struct PartnerArgs {
    ConfigOption config;
    std::string db;
    std::string name;
    std::string community;
    std::string tlp;
    bool json = false;
};

/// The registry over the database, checked against the configured communities.
struct Registry {
    explicit Registry(const PartnerArgs& args, store::OpenMode mode)
        : config(args.config.load()), store(openStore(args.config, args.db, mode)), registry(*store, config.sharing) {}
    app::Config config;
    std::unique_ptr<store::Database> store;
    share::PartnerRegistry registry;
};

/// The secret on stdout (alone, so scripts can capture it), what it is on stderr.
void printSecret(const std::string& what, const std::string& name, const std::string& secret) {
    std::fprintf(stderr,
                 "%s; its secret is shown once, give it to the partner now (only its hash is kept).\n"
                 "TAXII: HTTP Basic with user '%s' and this secret as password, or Authorization: Bearer <secret>\n",
                 what.c_str(), name.c_str());
    std::printf("%s\n", secret.c_str());
}

void addMain(const PartnerArgs& args) {
    Registry r(args, store::OpenMode::ReadWriteCreate);
    const auto secret = orThrow(r.registry.add(args.name, args.community, args.tlp, nowMicros()));
    printSecret(
        fmt::format("partner add: {} stored in community {} with ceiling TLP:{}", args.name, args.community, args.tlp),
        args.name, secret);
}

void listMain(const PartnerArgs& args) {
    Registry r(args, store::OpenMode::ReadOnly);
    const auto partners = orThrow(r.registry.list());
    if (args.json) {
        for (const auto& p : partners) {
            std::puts(nlohmann::ordered_json({{"name", p.name},
                                              {"community", p.community},
                                              {"tlp", p.tlp},
                                              {"created", formatRfc3339(p.created)},
                                              {"rotated", formatRfc3339(p.rotated)}})
                          .dump()
                          .c_str());
        }
        return;
    }
    if (partners.empty()) {
        std::fputs("no partners (add one with `kansoku partner add`)\n", stderr);
        return;
    }
    std::printf("%-24s %-20s %-13s %s\n", "name", "community", "tlp", "secret rotated");
    for (const auto& p : partners) {
        const bool configured = r.config.sharing.hasCommunity(p.community);
        std::printf("%-24s %-20s %-13s %s%s\n", p.name.c_str(), p.community.c_str(), p.tlp.c_str(),
                    formatRfc3339(p.rotated).c_str(), configured ? "" : "  (community not configured: no access)");
    }
}

void removeMain(const PartnerArgs& args) {
    Registry r(args, store::OpenMode::ReadWriteCreate);
    orThrow(r.registry.remove(args.name));
    std::fprintf(stderr, "partner remove: %s removed; its secret no longer works\n", args.name.c_str());
}

void rotateMain(const PartnerArgs& args) {
    Registry r(args, store::OpenMode::ReadWriteCreate);
    const auto secret = orThrow(r.registry.rotate(args.name, nowMicros()));
    printSecret(fmt::format("partner rotate: {} has a new secret, the old one no longer works", args.name), args.name,
                secret);
}

CLI::App* subcommand(CLI::App& parent, const std::shared_ptr<PartnerArgs>& args, const char* name, const char* help,
                     void (*run)(const PartnerArgs&)) {
    auto* command = parent.add_subcommand(name, help);
    args->config.add(*command);
    addDbOption(*command, args->db);
    command->callback([args, run] { run(*args); });
    return command;
}

void addNameArgument(CLI::App& command, PartnerArgs& args) {
    command.add_option("name", args.name, "The partner's name (its TAXII user name)")->required();
}

} // namespace

void addPartnerCommand(CLI::App& app) {
    auto args = std::make_shared<PartnerArgs>();
    auto* partner = app.add_subcommand("partner", "Partners of the sharing communities: TAXII access and TLP ceiling");
    partner->require_subcommand(1);
    auto* add = subcommand(*partner, args, "add", "Store a partner and print its secret once", addMain);
    addNameArgument(*add, *args);
    add->add_option("--community", args->community, "Its sharing community (one of sharing.communities)")
        ->required()
        ->type_name("NAME");
    add->add_option("--tlp", args->tlp, "The most restricted TLP it may receive")
        ->required()
        ->type_name("clear|green|amber|amber+strict");
    auto* list = subcommand(*partner, args, "list", "List the partners", listMain);
    list->add_flag("--json", args->json, "One JSON object per line");
    addNameArgument(*subcommand(*partner, args, "remove", "Remove a partner (its secret stops working)", removeMain),
                    *args);
    addNameArgument(*subcommand(*partner, args, "rotate",
                                "Give a partner a new secret, printed once; the old one stops working", rotateMain),
                    *args);
}

} // namespace kansoku::cli

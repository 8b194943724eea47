// `kansoku isp ...`: the ISP tenants (issue 11 item 4). `add` stores an ISP with its prefixes and
// ASNs and prints its API key once (only the key's SHA-256 is stored); `list`, `show`, `remove`,
// `rotate-key` (a new key, printed once; the old one stops working at once). The rules an ISP must
// pass live in share/isp/isp_registry; this file only parses and prints.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/store_option.h"
#include "share/isp/isp_registry.h"
#include "store/database.h"

namespace kansoku::cli {
namespace {

using Json = nlohmann::ordered_json;

struct IspArgs {
    ConfigOption config;
    std::string db;
    share::isp::IspSpec spec;
    bool json = false;
};

std::unique_ptr<store::Database> openStore(const IspArgs& args, store::OpenMode mode) {
    return cli::openStore(args.config, args.db, mode);
}

void addStoreOptions(CLI::App& command, IspArgs& args) {
    args.config.add(command);
    addDbOption(command, args.db);
}

std::string joined(const store::IspRecord& isp) {
    std::string out;
    for (const auto& prefix : isp.scope.prefixes) {
        out += (out.empty() ? "" : " ") + prefix.toString();
    }
    for (const uint32_t asn : isp.scope.asns) {
        out += fmt::format("{}AS{}", out.empty() ? "" : " ", asn);
    }
    return out;
}

Json ispJson(const store::IspRecord& isp) {
    Json prefixes = Json::array();
    for (const auto& prefix : isp.scope.prefixes) {
        prefixes.push_back(prefix.toString());
    }
    return {{"name", isp.name},
            {"abuse", isp.abuse},
            {"lang", isp.lang},
            {"prefixes", prefixes},
            {"asns", isp.scope.asns},
            {"created", formatRfc3339(isp.created)},
            {"key_rotated", formatRfc3339(isp.key_rotated)}};
}

/// The key on stdout (alone, so scripts can capture it), what it is on stderr.
void printKey(const std::string& what, const std::string& key) {
    std::fprintf(stderr, "%s; its API key is shown once, store it now (only its hash is kept):\n", what.c_str());
    std::printf("%s\n", key.c_str());
}

void addMain(const IspArgs& args) {
    auto store = openStore(args, store::OpenMode::ReadWriteCreate);
    share::isp::IspRegistry registry(*store);
    const std::string key = orThrow(registry.add(args.spec, nowMicros()));
    printKey(fmt::format("isp add: {} stored", args.spec.name), key);
}

void listMain(const IspArgs& args) {
    auto store = openStore(args, store::OpenMode::ReadOnly);
    const auto isps = orThrow(store->isps());
    if (args.json) {
        for (const auto& isp : isps) {
            std::puts(ispJson(isp).dump().c_str());
        }
        return;
    }
    if (isps.empty()) {
        std::fputs("no ISPs (add one with `kansoku isp add`)\n", stderr);
        return;
    }
    std::printf("%-20s %-4s %-32s %s\n", "name", "lang", "abuse", "space");
    for (const auto& isp : isps) {
        std::printf("%-20s %-4s %-32s %s\n", isp.name.c_str(), isp.lang.c_str(), isp.abuse.c_str(),
                    joined(isp).c_str());
    }
}

store::IspRecord existing(store::Database& store, const std::string& name) {
    auto isp = orThrow(store.isp(name));
    if (!isp) {
        throw CommandError(fmt::format("no ISP named '{}'", name.substr(0, 80)));
    }
    return std::move(*isp);
}

void showMain(const IspArgs& args) {
    auto store = openStore(args, store::OpenMode::ReadOnly);
    const auto isp = existing(*store, args.spec.name);
    if (args.json) {
        std::puts(ispJson(isp).dump().c_str());
        return;
    }
    std::printf("name         %s\nabuse        %s\nlang         %s\nspace        %s\ncreated      %s\nkey rotated  "
                "%s\n",
                isp.name.c_str(), isp.abuse.c_str(), isp.lang.c_str(), joined(isp).c_str(),
                formatRfc3339(isp.created).c_str(), formatRfc3339(isp.key_rotated).c_str());
}

void removeMain(const IspArgs& args) {
    auto store = openStore(args, store::OpenMode::ReadWriteCreate);
    orThrow(share::isp::IspRegistry(*store).remove(args.spec.name));
    std::fprintf(stderr, "isp remove: %s removed; its key no longer works\n", args.spec.name.c_str());
}

void rotateMain(const IspArgs& args) {
    auto store = openStore(args, store::OpenMode::ReadWriteCreate);
    const std::string key = orThrow(share::isp::IspRegistry(*store).rotateKey(args.spec.name, nowMicros()));
    printKey(fmt::format("isp rotate-key: {} has a new key, the old one no longer works", args.spec.name), key);
}

CLI::App* subcommand(CLI::App& isp, const std::shared_ptr<IspArgs>& args, const char* name, const char* help,
                     void (*run)(const IspArgs&)) {
    auto* command = isp.add_subcommand(name, help);
    addStoreOptions(*command, *args);
    command->callback([args, run] { run(*args); });
    return command;
}

void addNameArgument(CLI::App& command, IspArgs& args) {
    command.add_option("name", args.spec.name, "The ISP's name")->required();
}

} // namespace

void addIspCommand(CLI::App& app) {
    auto args = std::make_shared<IspArgs>();
    auto* isp = app.add_subcommand("isp", "ISP tenants: their address space, abuse address and API key");
    isp->require_subcommand(1);

    auto* add = subcommand(*isp, args, "add", "Store an ISP and print its API key once", addMain);
    addNameArgument(*add, *args);
    add->add_option("--prefix", args->spec.prefixes, "A prefix of its address space (repeatable), e.g. 198.51.100.0/25")
        ->type_name("CIDR");
    add->add_option("--asn", args->spec.asns, "An autonomous system of its (repeatable)")->type_name("N");
    add->add_option("--abuse", args->spec.abuse, "Abuse mail address its reports go to")
        ->required()
        ->type_name("EMAIL");
    add->add_option("--lang", args->spec.lang, "Language of its reports and notices: ja or en (default en)")
        ->type_name("ja|en");

    auto* list = subcommand(*isp, args, "list", "List the ISPs", listMain);
    list->add_flag("--json", args->json, "One JSON object per line");
    auto* show = subcommand(*isp, args, "show", "Show one ISP", showMain);
    addNameArgument(*show, *args);
    show->add_flag("--json", args->json, "A JSON object");
    addNameArgument(*subcommand(*isp, args, "remove", "Remove an ISP (its key stops working)", removeMain), *args);
    addNameArgument(*subcommand(*isp, args, "rotate-key",
                                "Give an ISP a new API key, printed once; the old one stops working", rotateMain),
                    *args);
}

} // namespace kansoku::cli

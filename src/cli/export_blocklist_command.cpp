// `kansoku export blocklist`: the blocking feed (issue 11 item 8, docs/blocklists.md) as plain
// text, CSV or a DNS RPZ zone, on stdout or into a file replaced atomically (a resolver reloading
// the zone never reads half of it).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "share/blocklist/blocklist.h"
#include "share/blocklist/blocklist_format.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct BlocklistArgs {
    ConfigOption config;
    std::string db;
    std::string format = "txt";
    std::string out;
    std::string isp;
};

void writeAtomically(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file << text;
        file.close();
        if (!file) {
            throw CommandError(fmt::format("export blocklist: cannot write {}", temporary));
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        throw CommandError(fmt::format("export blocklist: cannot replace {}: {}", path, ec.message()));
    }
}

void blocklistMain(const BlocklistArgs& args) {
    const auto format = share::blocklist::parseBlocklistFormat(args.format);
    if (!format) {
        throw CommandError(
            fmt::format("export blocklist: --format must be txt, csv or rpz, not '{}'", args.format.substr(0, 40)));
    }
    const app::Config config = args.config.load();
    auto store =
        orThrow(store::openDatabase(args.db.empty() ? config.storage.location() : args.db, store::OpenMode::ReadOnly));
    std::optional<AddressScope> scope;
    if (!args.isp.empty()) {
        const auto isp = orThrow(store->isp(args.isp));
        if (!isp) {
            throw CommandError(fmt::format("export blocklist: no ISP named '{}'", args.isp.substr(0, 80)));
        }
        scope = isp->scope;
    }
    const auto& settings = config.web.blocklist;
    const auto blocklist = orThrow(share::blocklist::buildBlocklist(*store, settings, nowMicros(), scope));
    const std::string text = share::blocklist::formatBlocklist(blocklist, *format, settings);
    if (args.out.empty() || args.out == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        writeAtomically(args.out, text);
    }
    std::fprintf(stderr, "export blocklist: %zu entries (%zu C2 records not listable)\n", blocklist.entries.size(),
                 blocklist.skipped);
}

} // namespace

void addExportBlocklistCommand(CLI::App& exporter) {
    auto args = std::make_shared<BlocklistArgs>();
    auto* cmd = exporter.add_subcommand(
        "blocklist", "C2 addresses and domains and active infected hosts as a blocking feed (txt, csv or rpz)");
    cmd->add_option("--format", args->format, "txt (one entry a line), csv, or rpz (DNS Response Policy Zone)")
        ->capture_default_str();
    cmd->add_option("--out", args->out, "write to this file (replaced atomically); default: stdout");
    cmd->add_option("--isp", args->isp, "only this ISP's infected hosts (C2 endpoints are always listed)");
    cmd->add_option("--db", args->db, "the database (default: [storage] database)");
    args->config.add(*cmd);
    cmd->callback([args] { blocklistMain(*args); });
}

} // namespace kansoku::cli

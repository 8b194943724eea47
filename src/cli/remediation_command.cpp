// `kansoku report remediation [--isp NAME] [--json]`: how fast notified hosts got cleaned, per ISP
// and per family (issue 11 item 7). The figures come from share/isp/remediation, as in
// GET /api/v1/isp/remediation.

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "share/isp/remediation.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct RemediationArgs {
    ConfigOption config;
    std::string db;
    std::string isp;
    bool json = false;
};

void remediationMain(const RemediationArgs& args) {
    const std::string path = args.db.empty() ? args.config.load().storage.location() : args.db;
    auto store = orThrow(store::openDatabase(path, store::OpenMode::ReadOnly));
    std::vector<store::IspRecord> isps;
    if (args.isp.empty()) {
        isps = orThrow(store->isps());
    } else {
        auto isp = orThrow(store->isp(args.isp));
        if (!isp) {
            throw CommandError(fmt::format("report remediation: no ISP named '{}'", args.isp.substr(0, 80)));
        }
        isps.push_back(std::move(*isp));
    }
    const auto report = orThrow(share::isp::computeRemediation(*store, isps));
    if (args.json) {
        std::puts(share::isp::remediationJson(report).dump().c_str());
    } else if (report.empty()) {
        std::fputs("no ISPs (add one with `kansoku isp add`)\n", stderr);
    } else {
        std::fputs(share::isp::remediationTable(report).c_str(), stdout);
    }
}

} // namespace

void addRemediationReport(CLI::App& report) {
    auto args = std::make_shared<RemediationArgs>();
    auto* command = report.add_subcommand(
        "remediation", "Per ISP and family: hosts notified, cleaned, disputed, re-infected; time to notify and clean");
    command->add_option("--isp", args->isp, "Only this ISP")->type_name("NAME");
    command->add_flag("--json", args->json, "One JSON object");
    args->config.add(*command);
    command
        ->add_option("--db", args->db,
                     "SQLite file or postgresql:// URL (default: storage.url, else storage.database of the config)")
        ->type_name("PATH");
    command->callback([args] { remediationMain(*args); });
}

} // namespace kansoku::cli

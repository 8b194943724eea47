// `kansoku report isp NAME [--since 24h] [--format csv|xarf]... [--out DIR] [--send]`: one ISP's
// infected-host report for a period (docs/reports.md): written to DIR, stored for the API, and with
// --send mailed now to the ISP's abuse address ([notify]), retried with backoff, each attempt
// recorded. Exit 1 when the mail could not be delivered (the report stays stored).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "share/isp/curl_mail_transport.h"
#include "share/isp/isp_reporter.h"
#include "share/isp/report_row.h"
#include "store/open_database.h"

namespace kansoku::cli {
namespace {

struct ReportIspArgs {
    ConfigOption config;
    std::string isp;
    std::string since = "24h";
    std::vector<std::string> formats;
    std::string out = ".";
    std::string db;
    bool send = false;
};

void writeFile(const std::filesystem::path& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    file.close();
    if (!file) {
        throw CommandError(fmt::format("report isp: cannot write {}", path.string()));
    }
}

void reportIspMain(const ReportIspArgs& args) {
    const app::Config config = args.config.load();
    const Timestamp now = nowMicros();
    const auto since = parseSince(args.since, now);
    if (!since || *since > now) {
        throw CommandError(fmt::format("report isp: --since '{}': use a duration (24h, 7d) or an RFC 3339 time "
                                       "in the past",
                                       args.since.substr(0, 80)));
    }
    if (args.send && config.notify.smtp_url.empty()) {
        throw CommandError("report isp --send needs [notify] smtp_url in the configuration");
    }
    const std::vector<std::string> formats = args.formats.empty() ? std::vector<std::string>{"csv"} : args.formats;
    std::error_code ec;
    std::filesystem::create_directories(args.out, ec);
    if (ec) {
        throw CommandError(fmt::format("report isp: --out {}: {}", args.out, ec.message()));
    }
    const std::string database = args.db.empty() ? config.storage.location() : args.db;
    auto store = orThrow(store::openDatabase(database, store::OpenMode::ReadWriteCreate));
    const auto isp = orThrow(store->isp(args.isp));
    if (!isp) {
        throw CommandError(fmt::format("report isp: no ISP named '{}' (kansoku isp list)", args.isp.substr(0, 80)));
    }

    share::isp::CurlMailTransport transport(config.notify);
    share::isp::ReportMailer mailer(
        transport, *store, config.notify,
        [](Duration d) {
            std::this_thread::sleep_for(d.as<std::chrono::microseconds>());
            return true;
        },
        nowMicros);
    share::isp::IspReporter reporter(*store, *store, config.notify);
    const share::isp::ReportPeriod period{*since, now};
    const auto run = orThrow(reporter.run(*isp, period, formats, args.send ? &mailer : nullptr, now));

    for (const auto& report : run.reports) {
        for (const auto& file : report.files) {
            writeFile(std::filesystem::path(args.out) / file.filename, file.content);
        }
        const std::string where = report.files.size() == 1
                                      ? (std::filesystem::path(args.out) / report.files.front().filename).string()
                                      : fmt::format("{} file(s) in {}", report.files.size(), args.out);
        std::printf("report %lld (%s): %s, %lld host(s) seen %s to %s UTC -> %s\n",
                    static_cast<long long>(report.record.id), report.record.format.c_str(), isp->name.c_str(),
                    static_cast<long long>(report.record.hosts), share::isp::shadowserverTime(period.since).c_str(),
                    share::isp::shadowserverTime(period.until).c_str(), where.c_str());
    }
    if (!args.send) {
        return;
    }
    if (!run.delivery) {
        std::printf("mail: not sent: no infected hosts in the period\n");
        return;
    }
    const auto& delivery = *run.delivery;
    if (delivery.suppressed) {
        std::printf("mail: not sent: %s is in [notify] suppress\n", isp->abuse.c_str());
        return;
    }
    if (!delivery.sent) {
        throw CommandError(fmt::format("mail to {} failed after {} attempt(s): {} (the report is stored)", isp->abuse,
                                       delivery.attempts, delivery.detail));
    }
    std::printf("mail: sent to %s after %d attempt(s): %s\n", isp->abuse.c_str(), delivery.attempts,
                delivery.detail.c_str());
}

} // namespace

void addReportIspCommand(CLI::App& report) {
    auto args = std::make_shared<ReportIspArgs>();
    auto* cmd = report.add_subcommand(
        "isp", "One ISP's infected-host report (CSV or X-ARF) for a period: written, stored, mailed with --send");
    cmd->add_option("name", args->isp, "the ISP (kansoku isp list)")->required();
    cmd->add_option("--since", args->since, "period start: a duration back from now (24h, 7d) or an RFC 3339 time")
        ->capture_default_str();
    cmd->add_option("--format", args->formats, "csv (default) or xarf; repeat for both (mailed together)")
        ->check(CLI::IsMember({"csv", "xarf"}));
    cmd->add_option("--out", args->out, "directory the report files are written to")->capture_default_str();
    cmd->add_option("--db", args->db,
                    "SQLite file or postgresql:// URL (default: storage.url, else storage.database of the config)");
    cmd->add_flag("--send", args->send, "mail it now to the ISP's abuse address ([notify] smtp_url)");
    args->config.add(*cmd);
    cmd->callback([args] { reportIspMain(*args); });
}

} // namespace kansoku::cli

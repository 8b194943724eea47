// `kansoku intel`: knowledge about addresses from outside the sensors (issue 11). For now the
// enrichment data: `lookup IP...` prints each address's AS number, AS name and country;
// `update-db` reads the installed data (docs/enrichment.md) and checks it; `correlate` (intel_correlate.cpp)
// finds infected hosts in the stored events.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/intel_correlate.h"
#include "common/ip_address.h"
#include "intel/enrichment_data.h"
#include "intel/enrichment_options.h"

namespace kansoku::cli {
namespace {

using Json = nlohmann::ordered_json;

struct IntelArgs {
    ConfigOption config;
    intel::EnrichmentOptions data{"", "", ""}; ///< the flags given; each overrides its [intel] key
    std::vector<std::string> addresses;
    bool json = false;
};

void addDataOptions(CLI::App& command, IntelArgs& args) {
    args.config.add(command);
    command.add_option("--asn-v4", args.data.asn_v4_csv, "IPv4 -> AS CSV (default: [intel] asn_v4_csv)");
    command.add_option("--asn-v6", args.data.asn_v6_csv, "IPv6 -> AS CSV (default: [intel] asn_v6_csv)");
    command.add_option("--country-mmdb", args.data.country_mmdb,
                       "IP -> country MaxMind DB (default: [intel] country_mmdb)");
    command.add_flag("--json", args.json, "JSON output, one object per line");
}

/// The files to read: [intel] of the configuration, each overridden by its flag.
intel::EnrichmentOptions dataFiles(const IntelArgs& args) {
    intel::EnrichmentOptions files = args.config.load().intel.enrichment;
    const std::pair<const std::string*, std::string*> overrides[] = {
        {&args.data.asn_v4_csv, &files.asn_v4_csv},
        {&args.data.asn_v6_csv, &files.asn_v6_csv},
        {&args.data.country_mmdb, &files.country_mmdb},
    };
    for (const auto& [flag, configured] : overrides) {
        if (!flag->empty()) {
            *configured = *flag;
        }
    }
    return files;
}

intel::EnrichmentData loadData(const IntelArgs& args) {
    auto data = intel::EnrichmentData::load(dataFiles(args));
    if (!data) {
        throw CommandError(data.error().message + " (install it with scripts/setup, or see --help)");
    }
    return std::move(*data);
}

void lookupMain(const IntelArgs& args) {
    // Every argument is checked before the data is read.
    std::vector<IpAddress> addresses;
    for (const std::string& text : args.addresses) {
        const auto address = IpAddress::parse(text);
        if (!address) {
            throw CommandError(fmt::format("intel lookup: '{}' is not an IPv4 or IPv6 address", text.substr(0, 80)));
        }
        addresses.push_back(*address);
    }
    const intel::EnrichmentData data = loadData(args);
    std::size_t width = 0; // of the address column
    for (const IpAddress& address : addresses) {
        width = std::max(width, address.toString().size());
    }
    for (const IpAddress& address : addresses) {
        const intel::EnrichmentView found = data.lookup(address);
        if (args.json) {
            const Json line = {{"ip", address.toString()},
                               {"asn", found.asn != 0 ? Json(found.asn) : Json(nullptr)},
                               {"as_name", found.asn != 0 ? Json(found.as_name) : Json(nullptr)},
                               {"country", found.country.empty() ? Json(nullptr) : Json(found.country)}};
            std::puts(line.dump().c_str());
        } else {
            const std::string asn = found.asn != 0 ? fmt::format("AS{}", found.asn) : "-";
            std::printf("%-*s  %-12s %-2s %s\n", static_cast<int>(width), address.toString().c_str(), asn.c_str(),
                        found.country.empty() ? "-" : std::string(found.country).c_str(),
                        found.asn != 0 ? std::string(found.as_name).c_str() : "-");
        }
    }
}

void updateDbMain(const IntelArgs& args) {
    const intel::EnrichmentData data = loadData(args);
    const intel::AsnTable& asn = data.asn();
    const intel::CountryTable& country = data.country();
    const intel::EnrichmentOptions& files = data.options();
    if (args.json) {
        const Json summary = {{"asn_v4_csv", files.asn_v4_csv},
                              {"asn_v6_csv", files.asn_v6_csv},
                              {"country_mmdb", files.country_mmdb},
                              {"asn_rows", asn.rowCount()},
                              {"asn_v4_ranges", asn.v4().rangeCount()},
                              {"asn_v6_ranges", asn.v6().rangeCount()},
                              {"asn_overlaps", asn.overlapCount()},
                              {"autonomous_systems", asn.asCount()},
                              {"country_nodes", country.nodeCount()},
                              {"country_v4_ranges", country.v4RangeCount()},
                              {"country_v6_ranges", country.v6RangeCount()},
                              {"countries", country.countryCount()},
                              {"memory_bytes", asn.memoryBytes() + country.memoryBytes()},
                              {"load_ms", data.loadTime().count()}};
        std::puts(summary.dump().c_str());
        return;
    }
    std::printf("asn:     %s\n         %s\n", files.asn_v4_csv.c_str(), files.asn_v6_csv.c_str());
    std::printf("         %zu rows -> %zu IPv4 + %zu IPv6 ranges, %zu autonomous systems, %zu overlapping rows "
                "resolved\n",
                asn.rowCount(), asn.v4().rangeCount(), asn.v6().rangeCount(), asn.asCount(), asn.overlapCount());
    std::printf("country: %s\n", files.country_mmdb.c_str());
    std::printf("         %zu tree nodes -> %zu IPv4 + %zu IPv6 ranges, %zu countries\n", country.nodeCount(),
                country.v4RangeCount(), country.v6RangeCount(), country.countryCount());
    std::printf("ok: loaded and checked in %lld ms, %.1f MiB in memory\n",
                static_cast<long long>(data.loadTime().count()),
                static_cast<double>(asn.memoryBytes() + country.memoryBytes()) / (1024.0 * 1024.0));
}

} // namespace

void addIntelCommand(CLI::App& app) {
    auto* intel = app.add_subcommand(
        "intel",
        "Knowledge about addresses: AS number, AS name and country of an IP; infected hosts from the stored events");
    intel->require_subcommand(1);
    auto args = std::make_shared<IntelArgs>();

    auto* lookup = intel->add_subcommand("lookup", "Print the AS number, AS name and country of each IP address");
    lookup->add_option("ip", args->addresses, "IPv4 or IPv6 addresses")->required();
    addDataOptions(*lookup, *args);
    lookup->callback([args] { lookupMain(*args); });

    auto* update = intel->add_subcommand(
        "update-db", "Read the enrichment data again and check it (after scripts/setup installed a newer copy); "
                     "prints what it holds");
    addDataOptions(*update, *args);
    update->callback([args] { updateDbMain(*args); });

    addIntelCorrelateCommand(*intel);
}

} // namespace kansoku::cli

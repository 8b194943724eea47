// `kansoku samples`: what the sample store holds (issue 5): each sample with its digests and the
// sandbox's verdict, one sample's documents, and clusters of look-alike samples.

#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "common/time.h"
#include "malware/hashes.h"
#include "malware/sample_event.h"
#include "malware/sample_store.h"
#include "malware/triage/sample_clusterer.h"

namespace kansoku::cli {
namespace {

using Json = nlohmann::ordered_json;

struct SamplesArgs {
    ConfigOption config;
    std::string dir; ///< overrides [honeypot] samples_dir
    bool json = false;
    std::string sha256;
    std::string document = "record"; ///< show: record | triage | sandbox
    int max_tlsh = 100;
    int min_ssdeep = 60;
};

malware::SampleStore openStore(const SamplesArgs& args) {
    const std::string dir = args.dir.empty() ? args.config.load().honeypot.samples_dir : args.dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw CommandError(fmt::format("no sample store at {} (see --dir, or [honeypot] samples_dir)", dir));
    }
    return orThrow(malware::SampleStore::open(dir));
}

/// A document beside a sample, parsed; null when absent or unreadable.
Json readDocument(const malware::SampleStore& store, const std::string& sha256, std::string_view kind) {
    auto text = store.readReport(sha256, kind);
    if (!text || !*text) {
        return nullptr;
    }
    Json json = Json::parse(**text, nullptr, /*allow_exceptions=*/false);
    return json.is_discarded() ? Json(nullptr) : json;
}

/// The sandbox's verdict and score for a sample, "-" when it has not been run.
std::string verdictOf(const malware::SampleStore& store, const std::string& sha256) {
    const Json report = readDocument(store, sha256, "sandbox");
    if (!report.is_object()) {
        return "-";
    }
    return fmt::format("{} {}", report.value("verdict", "?"), report.value("score", 0));
}

std::vector<malware::SampleRecord> records(malware::SampleStore& store) {
    std::vector<malware::SampleRecord> out;
    for (const std::string& sha256 : orThrow(store.list())) {
        auto found = store.find(sha256);
        if (found && *found) {
            out.push_back(std::move(**found));
        } else {
            std::fprintf(stderr, "samples: %s: %s\n", sha256.c_str(),
                         found ? "no record" : found.error().message.c_str());
        }
    }
    return out;
}

void listMain(const SamplesArgs& args) {
    auto store = openStore(args);
    const auto all = records(store);
    if (!args.json) {
        std::printf("%-16s %9s %-8s %5s %-26s %-17s %s\n", "sha256", "size", "arch", "seen", "first seen", "sandbox",
                    "file type");
    }
    for (const auto& record : all) {
        const std::string verdict = verdictOf(store, record.sha256);
        if (args.json) {
            Json line = {{"sha256", record.sha256},
                         {"size", record.size},
                         {"arch", record.arch},
                         {"file_type", record.file_type},
                         {"count", record.count},
                         {"first_seen", formatRfc3339(record.first_seen)},
                         {"ssdeep", record.ssdeep},
                         {"tlsh", record.tlsh},
                         {"triaged", store.hasReport(record.sha256, "triage")},
                         {"sandbox", verdict == "-" ? Json(nullptr) : Json(verdict)}};
            std::puts(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            std::printf("%-16s %9llu %-8s %5llu %-26s %-17s %s\n", record.sha256.substr(0, 16).c_str(),
                        static_cast<unsigned long long>(record.size), record.arch.c_str(),
                        static_cast<unsigned long long>(record.count), formatRfc3339(record.first_seen).c_str(),
                        verdict.c_str(), record.file_type.substr(0, 60).c_str());
        }
    }
    if (!args.json) {
        std::fprintf(stderr, "%zu samples in %s\n", all.size(), store.directory().c_str());
    }
}

void showMain(const SamplesArgs& args) {
    auto store = openStore(args);
    std::string sha256 = args.sha256;
    if (!malware::isSha256Hex(sha256)) {
        // A unique prefix of at least 8 hex digits, as `samples list` prints 16.
        std::vector<std::string> matches;
        for (const std::string& known : orThrow(store.list())) {
            if (sha256.size() >= 8 && known.starts_with(sha256)) {
                matches.push_back(known);
            }
        }
        if (matches.size() != 1) {
            throw CommandError(fmt::format("samples show: '{}' names {} samples (give a SHA-256 or a unique prefix of "
                                           "8 or more hex digits)",
                                           sha256.substr(0, 80), matches.size()));
        }
        sha256 = matches.front();
    }
    if (args.document == "record") {
        auto found = orThrow(store.find(sha256));
        if (!found) {
            throw CommandError(fmt::format("samples show: no sample {}", sha256));
        }
        // The record in the `sample` event's terms (docs/events.md), whatever index holds it.
        Json record = malware::makeSampleEvent(*found, found->last_seen, "").fields;
        record["sources_dropped"] = found->sources_dropped;
        std::puts(record.dump(args.json ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return;
    }
    const Json document = readDocument(store, sha256, args.document);
    if (document.is_null()) {
        throw CommandError(fmt::format("samples show: {} has no {} document yet", sha256, args.document));
    }
    std::puts(document.dump(args.json ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

void clusterMain(const SamplesArgs& args) {
    auto store = openStore(args);
    std::vector<malware::triage::ClusterInput> inputs;
    size_t untriaged = 0;
    for (const auto& record : records(store)) {
        if (record.ssdeep.empty() && record.tlsh.empty()) {
            ++untriaged;
            continue;
        }
        inputs.push_back({record.sha256, record.ssdeep, record.tlsh});
    }
    malware::triage::ClusterOptions options;
    options.max_tlsh_distance = args.max_tlsh;
    options.min_ssdeep_score = args.min_ssdeep;
    const auto clustering = malware::triage::clusterSamples(inputs, options);
    for (const auto& cluster : clustering.clusters) {
        if (args.json) {
            std::puts(Json{{"cluster", cluster.id}, {"members", cluster.members}}.dump().c_str());
        } else {
            std::printf("cluster %s  %zu member(s)\n", cluster.id.substr(0, 16).c_str(), cluster.members.size());
            for (const auto& member : cluster.members) {
                std::printf("  %s  %s\n", member.c_str(), verdictOf(store, member).c_str());
            }
        }
    }
    std::fprintf(stderr, "%zu samples in %zu clusters (TLSH distance <= %d or ssdeep score >= %d)%s\n", inputs.size(),
                 clustering.clusters.size(), options.max_tlsh_distance, options.min_ssdeep_score,
                 untriaged != 0 ? fmt::format("; {} not triaged yet", untriaged).c_str() : "");
}

} // namespace

void addSamplesCommand(CLI::App& app) {
    auto* samples = app.add_subcommand("samples", "The sample store: samples with digests and sandbox verdicts, "
                                                  "their documents, clusters of look-alikes");
    samples->require_subcommand(1);
    auto args = std::make_shared<SamplesArgs>();
    const auto common = [&args](CLI::App* command) {
        args->config.add(*command);
        command->add_option("--dir", args->dir, "The sample store (default: [honeypot] samples_dir)");
        command->add_flag("--json", args->json, "JSON output, one object per line");
    };
    auto* list = samples->add_subcommand("list", "Every stored sample: size, arch, times seen, first seen, sandbox "
                                                 "verdict and score, file type");
    common(list);
    list->callback([args] { listMain(*args); });

    auto* show = samples->add_subcommand("show", "One sample's record, triage report or behaviour report");
    common(show);
    show->add_option("sha256", args->sha256, "SHA-256 or a unique prefix (8+ hex digits)")->required();
    show->add_option("--document", args->document, "record, triage or sandbox")
        ->check(CLI::IsMember({"record", "triage", "sandbox"}))
        ->capture_default_str();
    show->callback([args] { showMain(*args); });

    auto* cluster = samples->add_subcommand("cluster", "Group the triaged samples by similarity (single linkage)");
    common(cluster);
    cluster->add_option("--max-tlsh", args->max_tlsh, "Join at TLSH distance at most this")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000));
    cluster->add_option("--min-ssdeep", args->min_ssdeep, "Join at ssdeep score at least this")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    cluster->callback([args] { clusterMain(*args); });
}

} // namespace kansoku::cli

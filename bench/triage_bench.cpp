// Static triage throughput (issue 5 "Speed": at least 200 files per second).
//
// triage_bench SAMPLES_DIR [--variants K] [--rules DIR] [--repeat R]
//
// Reads every regular file under SAMPLES_DIR (e.g. the output of tests/samples/build.sh: the team's
// test programs for x86-64, ARM and MIPS), writes K byte-mutated variants of each into a temporary
// directory (distinct hashes, same structure, as a family's builds are), then triages every file from
// disk with one Triager (libmagic + the YARA rules), R times. Baseline measured in the same run:
// hashing the same files only (MD5/SHA-1/SHA-256, the minimum any triage does). Prints files/s for
// both and their ratio.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "malware/hashes.h"
#include "malware/triage/triager.h"

namespace fs = std::filesystem;
using kansoku::malware::triage::Triager;
using kansoku::malware::triage::TriagerOptions;

namespace {

std::vector<uint8_t> readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SAMPLES_DIR [--variants K] [--rules DIR] [--repeat R]\n", argv[0]);
        return 2;
    }
    const fs::path samples_dir = argv[1];
    int variants = 20;
    int repeat = 3;
#ifdef KANSOKU_YARA_RULES_DIR
    fs::path rules = KANSOKU_YARA_RULES_DIR;
#else
    fs::path rules;
#endif
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--variants") {
            variants = std::atoi(argv[i + 1]);
        } else if (flag == "--rules") {
            rules = argv[i + 1];
        } else if (flag == "--repeat") {
            repeat = std::atoi(argv[i + 1]);
        } else {
            std::fprintf(stderr, "triage_bench: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    std::error_code ec;
    std::vector<fs::path> originals;
    for (const auto& entry : fs::recursive_directory_iterator(samples_dir, ec)) {
        if (entry.is_regular_file()) {
            originals.push_back(entry.path());
        }
    }
    if (ec || originals.empty()) {
        std::fprintf(stderr, "triage_bench: no files under %s\n", samples_dir.c_str());
        return 2;
    }
    std::string pattern = (fs::temp_directory_path() / "kansoku-triage-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "triage_bench: mkdtemp failed\n");
        return 1;
    }
    const fs::path work = pattern;
    std::vector<fs::path> files;
    std::mt19937 rng(12345); // fixed seed: the same variants every run
    uint64_t total_bytes = 0;
    for (size_t i = 0; i < originals.size(); ++i) {
        const std::vector<uint8_t> base = readAll(originals[i]);
        for (int v = 0; v <= variants; ++v) {
            std::vector<uint8_t> bytes = base;
            for (int k = 0; v > 0 && k < 16 && !bytes.empty(); ++k) {
                bytes[rng() % bytes.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
            }
            const fs::path out = work / (std::to_string(i) + "_" + std::to_string(v));
            std::ofstream(out, std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            files.push_back(out);
            total_bytes += bytes.size();
        }
    }

    TriagerOptions options;
    options.yara_rules_dir = rules;
    auto triager = Triager::create(options);
    if (!triager) {
        std::fprintf(stderr, "triage_bench: %s\n", triager.error().message.c_str());
        fs::remove_all(work, ec);
        return 1;
    }

    size_t matches = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) {
        for (const fs::path& file : files) {
            matches += kansoku::malware::triage::triageFile(file, *triager).yara.size();
        }
    }
    const double triage_s = seconds(std::chrono::steady_clock::now() - t0);

    size_t hashed = 0;
    const auto t1 = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) {
        for (const fs::path& file : files) {
            hashed += kansoku::malware::hashFile(file).has_value() ? 1 : 0;
        }
    }
    const double hash_s = seconds(std::chrono::steady_clock::now() - t1);
    fs::remove_all(work, ec);

    const double n = static_cast<double>(files.size()) * repeat;
    std::printf("files: %zu (%zu originals x %d variants + originals), %.1f KiB average, %zu YARA rules\n",
                files.size(), originals.size(), variants, total_bytes / 1024.0 / files.size(),
                triager->yaraRuleCount());
    std::printf("triage:   %.0f files/s (%.2f ms/file, %zu YARA matches)\n", n / triage_s, 1000.0 * triage_s / n,
                matches);
    std::printf("baseline: %.0f files/s hashing only (%zu hashed)\n", n / hash_s, hashed);
    std::printf("ratio triage/baseline: %.3f; target >= 200 files/s: %s\n", hash_s / triage_s,
                n / triage_s >= 200 ? "met" : "NOT met");
    return 0;
}

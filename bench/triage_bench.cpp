// Static triage throughput (issue 5 "Speed": at least 200 files per second).
//
// triage_bench SAMPLES_DIR [--variants K] [--rules DIR] [--rounds R] [--threads N] [--kernel auto|portable]
//
// Reads every regular file under SAMPLES_DIR (e.g. the output of tests/samples/build.sh: the team's
// test programs for x86-64, ARM and MIPS), writes K byte-mutated variants of each into a temporary
// directory (distinct hashes, same structure, as a family's builds are), then, R rounds, triages
// every file from disk with the TriagePool (libmagic + the YARA rules, one Triager per worker) on
// one worker and on N (default: one per CPU), as `kansoku sandbox triage` does. Baseline measured
// in the same rounds: hashing the same files only (MD5/SHA-1/SHA-256, the minimum any triage
// does) on as many threads. Prints each round, the medians, the ratio triage/baseline, and the
// digests' cost per file with each byte loop (portable, AVX-512 where the CPU has it).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "malware/hashes.h"
#include "malware/triage/fuzzy_hashes.h"
#include "malware/triage/triage_pool.h"
#include "malware/triage/triager.h"

namespace fs = std::filesystem;
using kansoku::malware::triage::FuzzyKernel;
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
        std::fprintf(stderr, "usage: %s SAMPLES_DIR [--variants K] [--rules DIR] [--rounds R] [--threads N]\n",
                     argv[0]);
        return 2;
    }
    const fs::path samples_dir = argv[1];
    int variants = 20;
    int rounds = 5;
    FuzzyKernel fuzzy_kernel = FuzzyKernel::Auto;
    size_t threads_n = std::max(1U, std::thread::hardware_concurrency());
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
        } else if (flag == "--kernel") {
            const std::string kernel = argv[i + 1];
            if (kernel != "auto" && kernel != "portable") {
                std::fprintf(stderr, "triage_bench: --kernel auto|portable\n");
                return 2;
            }
            fuzzy_kernel = kernel == "portable" ? FuzzyKernel::Portable : FuzzyKernel::Auto;
        } else if (flag == "--rounds") {
            rounds = std::max(1, std::atoi(argv[i + 1]));
        } else if (flag == "--threads") {
            threads_n = static_cast<size_t>(std::max(1, std::atoi(argv[i + 1])));
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
    options.fuzzy_kernel = fuzzy_kernel;
    if (auto probe = Triager::create(options); !probe) {
        std::fprintf(stderr, "triage_bench: %s\n", probe.error().message.c_str());
        fs::remove_all(work, ec);
        return 1;
    } else {
        std::printf("files: %zu (%zu originals x %d variants + originals), %.1f KiB average, %zu YARA rules\n",
                    files.size(), originals.size(), variants, total_bytes / 1024.0 / files.size(),
                    probe->yaraRuleCount());
    }
    const double n = static_cast<double>(files.size());
    // Files per second of one round of triage (or of hashing alone) on `workers` threads.
    const auto triageRate = [&](size_t workers) {
        const auto t0 = std::chrono::steady_clock::now();
        size_t matches = 0;
        auto done = kansoku::malware::triage::triageFiles(
            files, options, workers,
            [&](size_t, kansoku::malware::triage::TriageReport&& report) { matches += report.yara.size(); });
        if (!done) {
            std::fprintf(stderr, "triage_bench: %s\n", done.error().message.c_str());
            std::exit(1);
        }
        return n / seconds(std::chrono::steady_clock::now() - t0);
    };
    const auto hashRate = [&](size_t workers) {
        const auto t0 = std::chrono::steady_clock::now();
        std::atomic<size_t> next{0};
        std::vector<std::thread> threads;
        for (size_t w = 0; w < workers; ++w) {
            threads.emplace_back([&] {
                for (size_t i = next++; i < files.size(); i = next++) {
                    (void)kansoku::malware::hashFile(files[i]);
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        return n / seconds(std::chrono::steady_clock::now() - t0);
    };
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    (void)triageRate(threads_n); // warm the page cache and the code
    std::vector<double> triage1, triageN, hash1, hashN;
    for (int r = 0; r < rounds; ++r) {
        hash1.push_back(hashRate(1));
        triage1.push_back(triageRate(1));
        hashN.push_back(hashRate(threads_n));
        triageN.push_back(triageRate(threads_n));
        std::printf("round %d: 1 worker %.0f files/s (hashing %.0f), %zu workers %.0f files/s (hashing %.0f)\n", r + 1,
                    triage1.back(), hash1.back(), threads_n, triageN.back(), hashN.back());
    }
    fs::remove_all(work, ec);
    const double m1 = median(triage1);
    const double mN = median(triageN);
    std::printf("median, 1 worker:   triage %.0f files/s (%.2f ms/file), hashing only %.0f files/s, ratio %.3f\n", m1,
                1000.0 / m1, median(hash1), m1 / median(hash1));
    std::printf("median, %zu workers: triage %.0f files/s, hashing only %.0f files/s, ratio %.3f\n", threads_n, mN,
                median(hashN), mN / median(hashN));

    // Where a file's time goes: the digests with each byte loop, on the first original.
    const std::vector<uint8_t> sample = readAll(originals.front());
    for (const auto kernel : {FuzzyKernel::Portable, FuzzyKernel::Avx512}) {
        if (!kansoku::malware::triage::fuzzyKernelAvailable(kernel)) {
            std::printf("digests (%s): not supported by this CPU\n",
                        std::string(kansoku::malware::triage::fuzzyKernelName(kernel)).c_str());
            continue;
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i) {
            (void)kansoku::malware::triage::fuzzyHash(sample, kernel);
        }
        std::printf("digests (%s): %.2f ms per %.0f KiB file\n",
                    std::string(kansoku::malware::triage::fuzzyKernelName(kernel)).c_str(),
                    1000.0 * seconds(std::chrono::steady_clock::now() - t0) / 20, sample.size() / 1024.0);
    }
    std::printf("target >= 200 files/s (median, %zu workers): %s\n", threads_n, mN >= 200 ? "met" : "NOT met");
    return 0;
}

// Runs a libFuzzer target's LLVMFuzzerTestOneInput over files, without libFuzzer, so the seed
// corpus and the regression inputs run as ordinary tests under any compiler (after Zeek's
// src/fuzzers/standalone-driver.cc).
//
//   <name>_replay PATH...
//
// Each PATH is a file or a directory (walked recursively, files in sorted order so runs are
// reproducible). A missing PATH is skipped with a note: regressions/<name>/ may not exist yet.
// Exits 0 after every input has run; a crash or a trap in the target aborts the process, which is
// the failure CTest sees. The last input started is printed to stderr first, so a failure names it.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool readFile(const fs::path& path, std::vector<uint8_t>& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

void collect(const fs::path& path, std::vector<fs::path>& files) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        std::fprintf(stderr, "note: %s does not exist, skipped\n", path.c_str());
        return;
    }
    if (!fs::is_directory(status)) {
        files.push_back(path);
        return;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
            found.push_back(entry.path());
        }
    }
    if (ec) {
        std::fprintf(stderr, "error: cannot list %s: %s\n", path.c_str(), ec.message().c_str());
        std::exit(2);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
}

} // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        collect(argv[i], files);
    }
    const auto started = std::chrono::steady_clock::now();
    std::vector<uint8_t> data;
    for (const auto& file : files) {
        if (!readFile(file, data)) {
            std::fprintf(stderr, "error: cannot read %s\n", file.c_str());
            return 2;
        }
        std::fprintf(stderr, "running %s (%zu bytes)\n", file.c_str(), data.size());
        // A heap block of exactly the input's size, so ASan sees reads past its end as libFuzzer would
        // (an empty input still gets a valid pointer, as under libFuzzer).
        std::vector<uint8_t> input(std::max<size_t>(data.size(), 1));
        std::copy(data.begin(), data.end(), input.begin());
        LLVMFuzzerTestOneInput(input.data(), data.size());
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "ran %zu inputs in %lld ms\n", files.size(), static_cast<long long>(ms));
    return 0;
}

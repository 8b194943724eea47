// Fuzzes offline capture reading: the input is a whole pcap or pcapng file, opened with
// PcapSource::openFile (libpcap's file parsers, our link-type mapping) and run through the capture
// loop and a DarknetAnalyzer with the default thresholds and a small memory budget. Any input may
// be rejected or end in a read error; none may crash, hang or leak.
//
// The file lives in a memfd reached through /proc/self/fd, so no temp files pile up and parallel
// jobs (-jobs=N) do not collide.

#include <cstddef>
#include <cstdint>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include "capture/pcap_source.h"
#include "common/event_sink.h"
#include "darknet/capture_loop.h"
#include "darknet/darknet_analyzer.h"
#include "fuzz_check.h"

namespace {

/// The memfd the input is written to (one per process, rewritten for each input).
struct InputFile {
    int fd = -1;
    std::string path;

    InputFile() {
        fd = ::memfd_create("kansoku-pcap-fuzz", 0);
        FUZZ_CHECK(fd >= 0);
        path = "/proc/self/fd/" + std::to_string(fd);
    }

    bool write(const uint8_t* data, size_t size) const {
        if (::ftruncate(fd, 0) != 0) {
            return false;
        }
        size_t done = 0;
        while (done < size) {
            const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
            if (n <= 0) {
                return false;
            }
            done += static_cast<size_t>(n);
        }
        return true;
    }
};

kansoku::darknet::DarknetAnalyzerOptions analyzerOptions() {
    auto options = kansoku::darknet::DarknetAnalyzerOptions::fromConfig(
        kansoku::darknet::DarknetConfig{}, "fuzz", {"203.0.113.0/24", "198.18.0.0/16", "2001:db8:dead::/48"});
    FUZZ_CHECK(options.has_value());
    // A few records' worth, so eviction runs on inputs with a handful of sources.
    options->scan.max_bytes = 2048;
    options->backscatter.max_bytes = 1024;
    options->port_stats.max_bytes = 1024;
    return *options;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const InputFile input;
    static const kansoku::darknet::DarknetAnalyzerOptions options = analyzerOptions();
    if (!input.write(data, size)) {
        return 0;
    }
    auto source = kansoku::capture::PcapSource::openFile(input.path);
    if (!source) {
        FUZZ_CHECK(!source.error().message.empty());
        return 0;
    }
    kansoku::CollectingSink sink;
    kansoku::darknet::DarknetAnalyzer analyzer(options, sink);
    kansoku::darknet::CaptureLoopOptions loop;
    loop.batch = 7; // several dispatch calls even for small captures
    const auto end = kansoku::darknet::runCaptureLoop(**source, analyzer, loop);
    if (end) {
        FUZZ_CHECK(*end == kansoku::darknet::LoopEnd::EndOfInput);
    } else {
        FUZZ_CHECK(!end.error().message.empty());
    }
    analyzer.finish();
    const auto& totals = analyzer.totals();
    FUZZ_CHECK(totals.packets == (*source)->stats().received);
    FUZZ_CHECK((*source)->bytesRead() <= size);
    uint64_t classified = 0;
    for (const uint64_t n : totals.by_class) {
        classified += n;
    }
    FUZZ_CHECK(classified == totals.packets);
    return 0;
}

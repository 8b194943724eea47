// Micro-benchmarks of the darknet per-packet path on a realistic mix of frames: the bulk profile
// of the traffic generator (about 80% TCP SYN, 10% backscatter, 7% UDP, 3% ICMP echo), read back
// into memory so no I/O is timed. Items are packets, bytes are captured bytes.
//
//   BM_Decode          PacketDecoder::decode only
//   BM_DecodeClassify  decode + PacketClassifier::classify
//   BM_Analyzer        DarknetAnalyzer::onPacket (decode, classify, trackers), events discarded
//
// Run: build/bench/decoder_bench [--benchmark_filter=...]; KANSOKU_BENCH_PACKETS sets the number of
// frames (default 200000).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "capture/packet_decoder.h"
#include "capture/pcap_source.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/packet_classifier.h"
#include "darknet/traffic_generator.h"

namespace {

using namespace kansoku;

/// Frames laid out back to back in one buffer, as a capture reader would hand them over.
struct Frames {
    std::vector<uint8_t> bytes;
    std::vector<capture::RawPacket> packets; ///< data pointers into `bytes`, fixed up after loading
    capture::LinkType link_type = capture::LinkType::Ethernet;
    uint64_t captured_bytes = 0;
};

class Collector final : public capture::PacketHandler {
public:
    explicit Collector(Frames& frames) : frames_(frames) {}
    void onPacket(const capture::RawPacket& packet) override {
        // Store the offset in `data` for now; the buffer may still move.
        const auto offset = frames_.bytes.size();
        frames_.bytes.insert(frames_.bytes.end(), packet.data, packet.data + packet.captured_length);
        frames_.packets.push_back(
            {reinterpret_cast<const uint8_t*>(offset), packet.captured_length, packet.wire_length, packet.ts});
        frames_.captured_bytes += packet.captured_length;
    }

private:
    Frames& frames_;
};

Frames loadFrames() {
    const char* env = std::getenv("KANSOKU_BENCH_PACKETS");
    const uint64_t count = env != nullptr ? std::strtoull(env, nullptr, 10) : 200'000;

    std::string dir_template = (std::filesystem::temp_directory_path() / "kansoku-bench-XXXXXX").string();
    if (mkdtemp(dir_template.data()) == nullptr) {
        std::perror("mkdtemp");
        std::exit(1);
    }
    const std::filesystem::path dir(dir_template);
    const std::string path = (dir / "bulk.pcap").string();

    darknet::TrafficGeneratorOptions options;
    options.profile = darknet::TrafficProfile::Bulk;
    options.packets = count;
    options.sources = 20'000;
    options.darknet = *Prefix::parse("203.0.113.0/24");
    if (auto generated = darknet::generateTraffic(path, options); !generated) {
        std::fprintf(stderr, "decoder_bench: generate: %s\n", generated.error().message.c_str());
        std::exit(1);
    }

    Frames frames;
    frames.bytes.reserve(count * 80);
    {
        auto source = capture::PcapSource::openFile(path);
        if (!source) {
            std::fprintf(stderr, "decoder_bench: %s\n", source.error().message.c_str());
            std::exit(1);
        }
        frames.link_type = (*source)->linkType();
        Collector collector(frames);
        for (;;) {
            auto status = (*source)->dispatch(collector, 4096);
            if (!status) {
                std::fprintf(stderr, "decoder_bench: %s\n", status.error().message.c_str());
                std::exit(1);
            }
            if (*status == capture::DispatchStatus::End) {
                break;
            }
        }
    }
    std::filesystem::remove_all(dir);
    for (auto& p : frames.packets) {
        p.data = frames.bytes.data() + reinterpret_cast<uintptr_t>(p.data);
    }
    return frames;
}

const Frames& frames() {
    static const Frames loaded = loadFrames();
    return loaded;
}

PrefixSet darknetPrefixes() {
    PrefixSet set;
    set.add(*Prefix::parse("203.0.113.0/24"));
    return set;
}

void setCounters(benchmark::State& state, const Frames& f) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.packets.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.captured_bytes));
}

void BM_Decode(benchmark::State& state) {
    const Frames& f = frames();
    capture::PacketDecoder decoder(f.link_type);
    capture::DecodedPacket packet;
    for (auto _ : state) {
        for (const auto& raw : f.packets) {
            benchmark::DoNotOptimize(decoder.decode(raw.data, raw.captured_length, packet));
            benchmark::DoNotOptimize(packet.dst_port);
        }
    }
    setCounters(state, f);
}
BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);

void BM_DecodeClassify(benchmark::State& state) {
    const Frames& f = frames();
    const PrefixSet darknet = darknetPrefixes();
    capture::PacketDecoder decoder(f.link_type);
    darknet::PacketClassifier classifier(darknet);
    capture::DecodedPacket packet;
    for (auto _ : state) {
        for (const auto& raw : f.packets) {
            decoder.decode(raw.data, raw.captured_length, packet);
            const darknet::Classification c = classifier.classify(packet);
            benchmark::DoNotOptimize(c.packet_class);
        }
    }
    setCounters(state, f);
}
BENCHMARK(BM_DecodeClassify)->Unit(benchmark::kMillisecond);

/// Hands the in-memory frames to the analyzer's beginSource (it only asks for the link type).
class MemorySource final : public capture::PacketSource {
public:
    explicit MemorySource(capture::LinkType link_type) : link_type_(link_type) {}
    capture::LinkType linkType() const override { return link_type_; }
    Result<capture::DispatchStatus> dispatch(capture::PacketHandler&, int) override {
        return capture::DispatchStatus::End;
    }
    capture::SourceStats stats() override { return {}; }
    void stop() override {}
    const std::string& name() const override { return name_; }

private:
    capture::LinkType link_type_;
    std::string name_ = "memory";
};

class CountingSink final : public EventSink {
public:
    void publish(const Event&) override { ++events; }
    uint64_t events = 0;
};

void BM_Analyzer(benchmark::State& state) {
    const Frames& f = frames();
    auto options = darknet::DarknetAnalyzerOptions::fromConfig(darknet::DarknetConfig{}, "local", {"203.0.113.0/24"});
    if (!options) {
        state.SkipWithError(options.error().message.c_str());
        return;
    }
    uint64_t events = 0;
    for (auto _ : state) {
        state.PauseTiming();
        CountingSink sink;
        MemorySource source(f.link_type);
        auto analyzer = std::make_unique<darknet::DarknetAnalyzer>(*options, sink);
        analyzer->beginSource(source);
        state.ResumeTiming();
        for (const auto& raw : f.packets) {
            analyzer->onPacket(raw);
        }
        analyzer->finish();
        state.PauseTiming();
        events += sink.events;
        analyzer.reset(); // tearing the tables down is not per-packet work
        state.ResumeTiming();
    }
    state.counters["events"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
    setCounters(state, f);
}
BENCHMARK(BM_Analyzer)->Unit(benchmark::kMillisecond);

} // namespace

// darknet_shapes: writes the telescope-shaped captures of the darknet throughput benchmark (issue 15,
// bench/README.md "Darknet throughput"), deterministically from a seed:
//
//   distinct   a /16 darknet seen by S sources (default 20,000) that each probe about 500 distinct
//              addresses over a dozen ports, like Mirai bots picking a new random address for nearly
//              every probe: 80% TCP SYN, 8% backscatter (SYN-ACK and RST from 200 victims), 8% UDP,
//              4% ICMP echo, spread over 500 s;
//   heavy      the same background, plus one scanner that sends half of all packets, walking every
//              address of the /16 on four ports in a ZMap-like cyclic order;
//   onepacket  a million sources that each send one SYN, mixed into the `distinct` background;
//   storm      a backscatter storm: 90% SYN-ACK/RST/ICMP-unreachable replies from 20 victims under
//              spoofed floods, to random darknet addresses; the rest the `distinct` background.
//
// usage: darknet_shapes SHAPE OUT.pcap [--packets N] [--sources S] [--seed N] [--darknet A.B.0.0/16]
// The darknet defaults to 198.18.0.0/16 (RFC 2544's benchmarking range). Sources start at 16.0.0.0.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "capture/decoded_packet.h"
#include "capture/packet_builder.h"
#include "capture/pcap_writer.h"
#include "common/prefix.h"

namespace {

using kansoku::IpAddress;
using kansoku::Prefix;
using kansoku::Timestamp;
using kansoku::capture::PacketBuilder;
using kansoku::capture::PcapWriter;
using kansoku::capture::TcpFields;
namespace tcp_flag = kansoku::capture::tcp_flag;

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// the same stream on every platform, and cheap enough for 10 million packets.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

private:
    uint64_t state_;
};

constexpr std::array<uint16_t, 16> kTcpPorts = {23,   22,   80, 443,   8080,  2323, 445,  3389,
                                                5555, 8443, 81, 37215, 52869, 6379, 1433, 3306};
constexpr std::array<uint16_t, 6> kUdpPorts = {53, 123, 1900, 5060, 11211, 161};
constexpr uint32_t kSourceBase = 0x10000000U;  // 16.0.0.0
constexpr uint32_t kVictimBase = 0x2B000000U;  // 43.0.0.0
constexpr uint32_t kOneShotBase = 0x30000000U; // 48.0.0.0: the one-packet sources

struct Options {
    std::string shape;
    std::string out;
    uint64_t packets = 10'000'000;
    uint64_t sources = 20'000;
    uint64_t seed = 1;
    Prefix darknet = *Prefix::parse("198.18.0.0/16");
    int64_t duration_s = 500;
};

class ShapeWriter {
public:
    ShapeWriter(const Options& o, PcapWriter& writer) : o_(o), writer_(writer), rng_(o.seed) {
        darknet_base_ = o.darknet.network().v4();
        darknet_size_ = static_cast<uint32_t>(o.darknet.size());
    }

    void run() {
        const double spacing = static_cast<double>(o_.duration_s) * 1e6 / static_cast<double>(o_.packets);
        // Heavy scanner: a full-period walk i -> (i * step) mod size over the darknet (size a power
        // of two, step odd), one pass per port.
        uint64_t heavy_i = 0;
        const uint64_t one_shots = o_.shape == "onepacket" ? std::min<uint64_t>(1'000'000, o_.packets / 2) : 0;
        uint64_t one_shot_next = 0;
        for (uint64_t i = 0; i < o_.packets; ++i) {
            ts_ = start_ + static_cast<Timestamp>(static_cast<double>(i) * spacing);
            if (o_.shape == "heavy" && (i & 1) == 0) {
                heavyProbe(heavy_i++);
            } else if (one_shots != 0 && i % (o_.packets / one_shots) == 0 && one_shot_next < one_shots) {
                oneShot(one_shot_next++);
            } else if (o_.shape == "storm" && rng_.below(10) != 0) {
                backscatter(20);
            } else {
                background();
            }
        }
    }

    uint64_t packets() const { return packets_; }

private:
    IpAddress randomDarknet() {
        return IpAddress::fromV4(darknet_base_ + static_cast<uint32_t>(rng_.below(darknet_size_)));
    }

    void emit(std::span<const uint8_t> frame) {
        writer_.write(ts_, frame.data(), static_cast<uint32_t>(frame.size()));
        ++packets_;
    }

    void background() {
        const auto source = static_cast<uint32_t>(rng_.below(o_.sources));
        const IpAddress src = IpAddress::fromV4(kSourceBase + source);
        const IpAddress dst = randomDarknet();
        const auto ttl = static_cast<uint8_t>(32 + source % 160);
        const auto id = static_cast<uint16_t>(packets_);
        const uint64_t kind = rng_.below(100);
        if (kind < 80) {
            // A dozen ports per source, from a rotating window of the common ones.
            const uint16_t port = kTcpPorts[(source + rng_.below(12)) % kTcpPorts.size()];
            TcpFields tcp{static_cast<uint16_t>(1024 + source % 60000),
                          port,
                          static_cast<uint32_t>(rng_.next()),
                          0,
                          tcp_flag::kSyn,
                          14600};
            emit(builder_.tcp({src, dst, ttl, id}, tcp));
        } else if (kind < 88) {
            backscatter(200);
        } else if (kind < 96) {
            emit(builder_.udp({src, dst, ttl, id}, static_cast<uint16_t>(1024 + source % 60000),
                              kUdpPorts[(source + rng_.below(3)) % kUdpPorts.size()]));
        } else {
            emit(builder_.icmp({src, dst, ttl, id}, 8, 0, static_cast<uint32_t>(packets_)));
        }
    }

    void backscatter(uint32_t victims) {
        const auto v = static_cast<uint32_t>(rng_.below(victims));
        const IpAddress victim = IpAddress::fromV4(kVictimBase + v);
        const IpAddress dst = randomDarknet();
        const auto id = static_cast<uint16_t>(packets_);
        switch (v % 3) {
        case 0:
        case 1: {
            TcpFields tcp{
                kTcpPorts[v % 4],
                static_cast<uint16_t>(1024 + rng_.below(60000)),
                static_cast<uint32_t>(rng_.next()),
                static_cast<uint32_t>(rng_.next()),
                static_cast<uint8_t>(v % 3 == 0 ? tcp_flag::kSyn | tcp_flag::kAck : tcp_flag::kRst | tcp_flag::kAck),
                64240};
            emit(builder_.tcp({victim, dst, 55, id}, tcp));
            break;
        }
        default: {
            // The victim's router answers a spoofed UDP flood with port unreachable, quoting it.
            builder_.udp({dst, victim, 60, id}, static_cast<uint16_t>(1024 + rng_.below(60000)), 27015);
            const auto quoted = builder_.lastIpPacket();
            emit(builder_.icmpError({IpAddress::fromV4(kVictimBase + 0x10000 + v), dst, 60, id}, 3, 3, quoted));
            break;
        }
        }
    }

    void heavyProbe(uint64_t n) {
        static constexpr std::array<uint16_t, 4> kPorts = {23, 80, 443, 8080};
        const uint64_t pass = n / darknet_size_;
        const auto offset = static_cast<uint32_t>((n * 40503U) & (darknet_size_ - 1));
        const IpAddress src = IpAddress::fromV4(0x2C000001U); // 44.0.0.1
        const IpAddress dst = IpAddress::fromV4(darknet_base_ + offset);
        TcpFields tcp{54321, kPorts[pass % kPorts.size()], static_cast<uint32_t>(rng_.next()), 0, tcp_flag::kSyn,
                      65535};
        emit(builder_.tcp({src, dst, 64, static_cast<uint16_t>(n)}, tcp));
    }

    void oneShot(uint64_t n) {
        // Spread over 48.0.0.0/8 and up (not in order, so the table sees them as a scanner would).
        const auto src = IpAddress::fromV4(kOneShotBase + static_cast<uint32_t>((n * 2654435761ULL) & 0x0fffffffU));
        TcpFields tcp{static_cast<uint16_t>(1024 + n % 60000),
                      kTcpPorts[n % kTcpPorts.size()],
                      static_cast<uint32_t>(rng_.next()),
                      0,
                      tcp_flag::kSyn,
                      5840};
        emit(builder_.tcp({src, randomDarknet(), 50, static_cast<uint16_t>(n)}, tcp));
    }

    const Options& o_;
    PcapWriter& writer_;
    Rng rng_;
    PacketBuilder builder_;
    uint32_t darknet_base_ = 0;
    uint32_t darknet_size_ = 0;
    Timestamp start_ = 1735689600LL * 1'000'000; // 2025-01-01T00:00:00Z
    Timestamp ts_ = 0;
    uint64_t packets_ = 0;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "darknet_shapes: %s\nusage: darknet_shapes distinct|heavy|onepacket|storm OUT.pcap [--packets N] "
                 "[--sources S] [--seed N] [--darknet PREFIX]\n",
                 why);
    std::exit(2);
}

uint64_t number(const char* text) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || v == 0) {
        usage("not a positive number");
    }
    return v;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        usage("SHAPE and OUT are required");
    }
    Options o;
    o.shape = argv[1];
    o.out = argv[2];
    if (o.shape != "distinct" && o.shape != "heavy" && o.shape != "onepacket" && o.shape != "storm") {
        usage("unknown shape");
    }
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--packets") {
            o.packets = number(argv[i + 1]);
        } else if (flag == "--sources") {
            o.sources = number(argv[i + 1]);
        } else if (flag == "--seed") {
            o.seed = number(argv[i + 1]);
        } else if (flag == "--darknet") {
            auto prefix = Prefix::parse(argv[i + 1]);
            if (!prefix || !prefix->isV4() || prefix->length() < 8) {
                usage("--darknet must be an IPv4 prefix of length 8 or more");
            }
            o.darknet = *prefix;
        } else {
            usage("unknown option");
        }
    }
    if (argc % 2 == 0) {
        usage("an option lacks its value");
    }
    auto writer = PcapWriter::create(o.out, 1);
    if (!writer) {
        std::fprintf(stderr, "darknet_shapes: %s\n", writer.error().message.c_str());
        return 1;
    }
    ShapeWriter shapes(o, **writer);
    shapes.run();
    if (auto closed = (*writer)->close(); !closed) {
        std::fprintf(stderr, "darknet_shapes: %s\n", closed.error().message.c_str());
        return 1;
    }
    std::printf("%s: %llu packets\n", o.out.c_str(), static_cast<unsigned long long>(shapes.packets()));
    return 0;
}

#include "darknet/traffic_generator.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <random>
#include <vector>

#include "capture/decoded_packet.h"
#include "capture/packet_builder.h"
#include "capture/pcap_writer.h"

namespace kansoku::darknet {
namespace {

using capture::IpFields;
using capture::PacketBuilder;
using capture::TcpFields;
namespace tcp_flag = capture::tcp_flag;

constexpr int kDltEthernet = 1;

/// A frame to write, kept until the scenario is sorted by time.
struct Frame {
    Timestamp ts;
    uint64_t order; ///< tie-breaker: generation order
    std::vector<uint8_t> bytes;
    uint32_t wire_length;
};

/// Deterministic across platforms (std distributions are not).
class Rng {
public:
    explicit Rng(uint64_t seed) : engine_(seed) {}
    uint64_t next() { return engine_(); }
    uint64_t below(uint64_t n) { return n == 0 ? 0 : engine_() % n; }

private:
    std::mt19937_64 engine_;
};

IpAddress v4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return IpAddress::fromV4((a << 24) | (b << 16) | (c << 8) | d);
}

IpAddress offsetV4(const Prefix& prefix, uint64_t offset) {
    const uint64_t size = static_cast<uint64_t>(prefix.size());
    return IpAddress::fromV4(prefix.network().v4() + static_cast<uint32_t>(offset % size));
}

IpAddress offsetV6(const Prefix& prefix, uint64_t offset) {
    auto bytes = prefix.network().bytes();
    for (int i = 15; i >= 8; --i) {
        bytes[i] = static_cast<uint8_t>(offset);
        offset >>= 8;
    }
    return IpAddress::fromV6(bytes.data());
}

class Scenario {
public:
    Scenario(const TrafficGeneratorOptions& o) : o_(o), rng_(o.seed) {}

    void add(Timestamp offset, std::span<const uint8_t> frame) {
        add(offset, frame, static_cast<uint32_t>(frame.size()));
    }
    void add(Timestamp offset, std::span<const uint8_t> frame, uint32_t wire_length) {
        frames_.push_back({o_.start + offset, frames_.size(), {frame.begin(), frame.end()}, wire_length});
    }

    void mirai() {
        // Mirai's scanner: SYN to 23 (and 2323 one time in ten) with the sequence number equal to
        // the destination address (scanner.c), random window, a new random address each time.
        for (uint32_t bot = 0; bot < 20; ++bot) {
            const IpAddress src = v4(198, 51, 100, 10 + bot);
            const uint8_t ttl = static_cast<uint8_t>(40 + rng_.below(20));
            for (Timestamp t = static_cast<Timestamp>(rng_.below(30)) * kMicrosPerSecond; t < 600 * kMicrosPerSecond;
                 t += static_cast<Timestamp>(10 + rng_.below(40)) * kMicrosPerSecond) {
                const IpAddress dst = offsetV4(o_.darknet, rng_.below(256));
                const uint16_t port = rng_.below(10) == 0 ? 2323 : 23;
                TcpFields tcp{static_cast<uint16_t>(1024 + rng_.below(60000)),
                              port,
                              dst.v4(),
                              0,
                              tcp_flag::kSyn,
                              static_cast<uint16_t>(rng_.next())};
                add(t, builder_.tcp({src, dst, ttl, static_cast<uint16_t>(rng_.next())}, tcp));
            }
        }
    }

    void zmap() {
        // ZMap < 4.1: IP ID 54321, TTL 255, window 65535, no options; one pass over the /24 on 443.
        const IpAddress src = v4(198, 51, 100, 50);
        for (uint32_t i = 0; i < 256; ++i) {
            const IpAddress dst = offsetV4(o_.darknet, (i * 167U) % 256); // zmap walks a cyclic group
            TcpFields tcp{static_cast<uint16_t>(32768 + (i % 8)),
                          443,
                          static_cast<uint32_t>(rng_.next()),
                          0,
                          tcp_flag::kSyn,
                          65535};
            add(60 * kMicrosPerSecond + i * 8000, builder_.tcp({src, dst, 255, 54321}, tcp));
        }
    }

    void masscan() {
        // masscan: IP ID = dst ^ dport ^ seq (low 16 bits), window 1024, TTL 255.
        const IpAddress src = v4(198, 51, 100, 60);
        const std::array<uint16_t, 3> ports = {80, 8080, 8443};
        for (uint32_t i = 0; i < 64; ++i) {
            for (const uint16_t port : ports) {
                const IpAddress dst = offsetV4(o_.darknet, i * 4);
                const auto seq = static_cast<uint32_t>(rng_.next());
                const auto ip_id = static_cast<uint16_t>(dst.v4() ^ port ^ seq);
                TcpFields tcp{61000, port, seq, 0, tcp_flag::kSyn, 1024};
                add(120 * kMicrosPerSecond + i * 20000 + port, builder_.tcp({src, dst, 255, ip_id}, tcp));
            }
        }
    }

    void nmap() {
        // nmap -sS: one host, many ports, window 1024, one MSS option, one sequence number.
        const IpAddress src = v4(198, 51, 100, 70);
        const IpAddress dst = offsetV4(o_.darknet, 5);
        const auto seq = static_cast<uint32_t>(rng_.next());
        for (uint16_t port = 1; port <= 100; ++port) {
            TcpFields tcp{41234, port, seq, 0, tcp_flag::kSyn, 1024, 1460};
            add(180 * kMicrosPerSecond + port * 1000,
                builder_.tcp({src, dst, 44, static_cast<uint16_t>(rng_.next())}, tcp));
        }
    }

    void udpAndIcmpProbes() {
        const std::array<uint16_t, 5> ports = {5060, 53, 123, 1900, 11211};
        for (uint32_t s = 0; s < ports.size(); ++s) {
            const IpAddress src = v4(198, 51, 100, 80 + s);
            for (uint32_t i = 0; i < 6; ++i) {
                const IpAddress dst = offsetV4(o_.darknet, 10 + i * 7 + s);
                static constexpr uint8_t kPayload[8] = {'k', 'a', 'n', 's', 'o', 'k', 'u', 0};
                add((200 + s * 30 + i * 5) * kMicrosPerSecond,
                    builder_.udp({src, dst, 50, static_cast<uint16_t>(rng_.next())}, 40000 + s, ports[s], kPayload));
            }
        }
        const IpAddress pinger = v4(198, 51, 100, 90);
        for (uint32_t i = 0; i < 50; ++i) {
            add(300 * kMicrosPerSecond + i * 100000,
                builder_.icmp({pinger, offsetV4(o_.darknet, i), 60, static_cast<uint16_t>(i)}, 8, 0, 0x12340000U + i));
        }
    }

    void ipv6Scanner() {
        const IpAddress src = *IpAddress::parse("2001:db8:bad::1");
        for (uint32_t i = 0; i < 20; ++i) {
            TcpFields tcp{50000, 22, static_cast<uint32_t>(rng_.next()), 0, tcp_flag::kSyn, 28800};
            add(400 * kMicrosPerSecond + i * 500000,
                builder_.tcp({src, offsetV6(o_.darknet_v6, 0x100 + i * 3), 58}, tcp));
        }
    }

    void backscatter() {
        // Victim 1: a web server under a spoofed SYN flood answers SYN-ACKs from port 80 to random
        // darknet addresses: 40 per minute for 5 minutes.
        const IpAddress web = v4(192, 0, 2, 10);
        for (uint32_t i = 0; i < 200; ++i) {
            const IpAddress dst = offsetV4(o_.darknet, rng_.below(256));
            TcpFields tcp{80,
                          static_cast<uint16_t>(1024 + rng_.below(64000)),
                          static_cast<uint32_t>(rng_.next()),
                          static_cast<uint32_t>(rng_.next()),
                          tcp_flag::kSyn | tcp_flag::kAck,
                          64240,
                          1460};
            add(100 * kMicrosPerSecond + i * 1500000, builder_.tcp({web, dst, 57, static_cast<uint16_t>(i)}, tcp));
        }
        // Victim 2: a game server under a UDP flood; its router answers port unreachable, quoting
        // the spoofed packet (source: the darknet address, destination: the victim's port 27015).
        const IpAddress game = v4(192, 0, 2, 20);
        const IpAddress router = v4(192, 0, 2, 1);
        for (uint32_t i = 0; i < 90; ++i) {
            const IpAddress spoofed = offsetV4(o_.darknet, rng_.below(256));
            builder_.udp({spoofed, game, 60, static_cast<uint16_t>(rng_.next())},
                         static_cast<uint16_t>(1024 + rng_.below(60000)), 27015);
            const auto quoted = builder_.lastIpPacket();
            add(240 * kMicrosPerSecond + i * 1000000, builder_.icmpError({router, spoofed, 250, 0}, 3, 3, quoted));
        }
        // Victim 3: a handful of RSTs — below the thresholds, so not an attack.
        const IpAddress quiet = v4(192, 0, 2, 30);
        for (uint32_t i = 0; i < 10; ++i) {
            TcpFields tcp{443, 55555, 0, static_cast<uint32_t>(rng_.next()), tcp_flag::kRst | tcp_flag::kAck, 0};
            add(500 * kMicrosPerSecond + i * 3000000, builder_.tcp({quiet, offsetV4(o_.darknet, i), 60, 0}, tcp));
        }
    }

    void noise() {
        // Traffic outside the darknet is counted and ignored.
        for (uint32_t i = 0; i < 20; ++i) {
            TcpFields tcp{40000, 80, 1, 0, tcp_flag::kSyn, 29200};
            add((30 + i * 20) * kMicrosPerSecond, builder_.tcp({v4(198, 51, 100, 200), v4(192, 0, 2, 99), 64, 0}, tcp));
        }
        // An ICMP error whose quote does not come from the darknet address it was sent to: forged.
        builder_.udp({v4(192, 0, 2, 77), v4(192, 0, 2, 78), 60, 0}, 1, 2);
        const auto forged = builder_.lastIpPacket();
        add(450 * kMicrosPerSecond,
            builder_.icmpError({v4(192, 0, 2, 1), offsetV4(o_.darknet, 9), 250, 0}, 3, 3, forged));
        // An ACK scan probe (neither a SYN probe nor backscatter): "other".
        TcpFields ack{40001, 80, 5, 5, tcp_flag::kAck, 1024};
        add(451 * kMicrosPerSecond, builder_.tcp({v4(198, 51, 100, 201), offsetV4(o_.darknet, 3), 64, 0}, ack));
        // Probes whose source cannot be trusted (spoof_filter.h): counted, never a scan record.
        TcpFields probe{40003, 23, 7, 0, tcp_flag::kSyn, 5840};
        add(455 * kMicrosPerSecond, builder_.tcp({v4(0, 1, 2, 3), offsetV4(o_.darknet, 11), 64, 0}, probe));
        add(456 * kMicrosPerSecond, builder_.tcp({v4(198, 51, 100, 203), offsetV4(o_.darknet, 12), 250, 0}, probe));
        TcpFields port_zero{0, 23, 7, 0, tcp_flag::kSyn, 5840};
        add(457 * kMicrosPerSecond, builder_.tcp({v4(198, 51, 100, 204), offsetV4(o_.darknet, 13), 64, 0}, port_zero));
        TcpFields syn_urg{40004, 23, 7, 0, tcp_flag::kSyn | tcp_flag::kUrg, 5840};
        add(458 * kMicrosPerSecond, builder_.tcp({v4(198, 51, 100, 205), offsetV4(o_.darknet, 14), 64, 0}, syn_urg));
        // Malformed frames: a TCP header cut short, an IPv4 header length of 4 words, an ARP frame.
        TcpFields syn{40002, 22, 5, 0, tcp_flag::kSyn, 1024};
        auto frame = builder_.tcp({v4(198, 51, 100, 202), offsetV4(o_.darknet, 4), 64, 0}, syn);
        std::vector<uint8_t> cut(frame.begin(), frame.begin() + 14 + 20 + 10);
        cut[14 + 3] = 30; // total length now claims 30 bytes: 10 of TCP
        add(452 * kMicrosPerSecond, cut);
        std::vector<uint8_t> bad_ihl(frame.begin(), frame.end());
        bad_ihl[14] = 0x44;
        add(453 * kMicrosPerSecond, bad_ihl);
        std::vector<uint8_t> arp(42, 0);
        arp[12] = 0x08;
        arp[13] = 0x06;
        add(454 * kMicrosPerSecond, arp);
    }

    Result<TrafficGeneratorResult> write(const std::string& path) {
        std::stable_sort(frames_.begin(), frames_.end(),
                         [](const Frame& a, const Frame& b) { return a.ts != b.ts ? a.ts < b.ts : a.order < b.order; });
        auto writer = capture::PcapWriter::create(path, kDltEthernet);
        KANSOKU_TRY(writer);
        TrafficGeneratorResult result;
        for (const auto& f : frames_) {
            (*writer)->write(f.ts, f.bytes.data(), static_cast<uint32_t>(f.bytes.size()), f.wire_length);
            ++result.packets;
            result.bytes += f.bytes.size();
        }
        KANSOKU_TRY((*writer)->close());
        return result;
    }

private:
    const TrafficGeneratorOptions& o_;
    Rng rng_;
    PacketBuilder builder_;
    std::vector<Frame> frames_;
};

Result<TrafficGeneratorResult> generateDemo(const std::string& path, const TrafficGeneratorOptions& o) {
    Scenario s(o);
    s.mirai();
    s.zmap();
    s.masscan();
    s.nmap();
    s.udpAndIcmpProbes();
    s.ipv6Scanner();
    s.backscatter();
    s.noise();
    return s.write(path);
}

/// A permutation of [0, n): i -> (i * step + offset) mod n with gcd(step, n) = 1, so every
/// source appears once per n packets.
uint64_t coprimeStep(uint64_t n) {
    uint64_t step = 1'000'003; // prime
    while (std::gcd(step, n) != 1) {
        step += 2;
    }
    return step % n == 0 ? 1 : step;
}

Result<TrafficGeneratorResult> generateBulk(const std::string& path, const TrafficGeneratorOptions& o) {
    if (o.packets == 0 || o.sources == 0) {
        return fail("generate: --packets and --sources must be positive");
    }
    static constexpr std::array<uint16_t, 16> kCommonPorts = {23,   22,   80, 443,   8080,  2323, 445,  3389,
                                                              5555, 8443, 81, 37215, 52869, 6379, 1433, 3306};
    static constexpr std::array<uint16_t, 6> kUdpPorts = {53, 123, 1900, 5060, 11211, 161};
    constexpr uint32_t kVictims = 100;
    auto writer = capture::PcapWriter::create(path, kDltEthernet);
    KANSOKU_TRY(writer);
    Rng rng(o.seed);
    PacketBuilder builder;
    const uint64_t step = coprimeStep(o.sources);
    const uint64_t offset = rng.below(o.sources);
    const double spacing = static_cast<double>(o.duration_s) * kMicrosPerSecond / static_cast<double>(o.packets);
    const uint64_t darknet_size = static_cast<uint64_t>(o.darknet.size());
    TrafficGeneratorResult result;
    for (uint64_t i = 0; i < o.packets; ++i) {
        const Timestamp ts = o.start + static_cast<Timestamp>(static_cast<double>(i) * spacing);
        const uint64_t source = (i * step + offset) % o.sources;
        // Sources from 16.0.0.0 upwards, one address each.
        const IpAddress src = IpAddress::fromV4(0x10000000U + static_cast<uint32_t>(source));
        const IpAddress dst = offsetV4(o.darknet, rng.below(darknet_size));
        const uint64_t kind = rng.below(100);
        std::span<const uint8_t> frame;
        if (kind < 80) {
            // A source scans one common port; one in fifty scans many ports (vertical/block).
            const uint16_t port = source % 50 == 0 ? static_cast<uint16_t>(1 + rng.below(1024))
                                                   : kCommonPorts[source % kCommonPorts.size()];
            TcpFields tcp{static_cast<uint16_t>(1024 + (source % 60000)),
                          port,
                          static_cast<uint32_t>(rng.next()),
                          0,
                          tcp_flag::kSyn,
                          1024};
            frame = builder.tcp({src, dst, static_cast<uint8_t>(32 + source % 200), static_cast<uint16_t>(i)}, tcp);
        } else if (kind < 90) {
            const IpAddress victim =
                IpAddress::fromV4(0x2B000000U + static_cast<uint32_t>(rng.below(kVictims))); // 43.0.0.x
            TcpFields tcp{kCommonPorts[victim.v4() % 4],
                          static_cast<uint16_t>(1024 + rng.below(60000)),
                          static_cast<uint32_t>(rng.next()),
                          static_cast<uint32_t>(rng.next()),
                          static_cast<uint8_t>(kind < 87 ? tcp_flag::kSyn | tcp_flag::kAck : tcp_flag::kRst),
                          64240};
            frame = builder.tcp({victim, dst, 55, static_cast<uint16_t>(i)}, tcp);
        } else if (kind < 97) {
            frame = builder.udp({src, dst, 50, static_cast<uint16_t>(i)}, static_cast<uint16_t>(1024 + source % 60000),
                                kUdpPorts[source % kUdpPorts.size()]);
        } else {
            frame = builder.icmp({src, dst, 60, static_cast<uint16_t>(i)}, 8, 0, static_cast<uint32_t>(i));
        }
        (*writer)->write(ts, frame.data(), static_cast<uint32_t>(frame.size()));
        ++result.packets;
        result.bytes += frame.size();
    }
    KANSOKU_TRY((*writer)->close());
    return result;
}

} // namespace

Result<TrafficGeneratorResult> generateTraffic(const std::string& path, const TrafficGeneratorOptions& options) {
    TrafficGeneratorOptions o = options;
    if (o.darknet.length() == 0 && o.darknet.network() == IpAddress{}) {
        o.darknet = *Prefix::parse("203.0.113.0/24");
    }
    if (!o.darknet.isV4()) {
        return fail("generate: the darknet prefix must be IPv4");
    }
    if (o.darknet_v6.isV4() || o.darknet_v6.length() == 0) {
        o.darknet_v6 = *Prefix::parse("2001:db8:dead::/48");
    }
    return o.profile == TrafficProfile::Demo ? generateDemo(path, o) : generateBulk(path, o);
}

} // namespace kansoku::darknet

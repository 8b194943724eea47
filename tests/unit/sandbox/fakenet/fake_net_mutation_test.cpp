// Hostile input: mutated copies of valid packets (deterministic seed) must never crash FakeNet,
// every reply it does send must carry valid checksums, and every packet is counted. Under the asan
// preset this doubles as a cheap fuzz pass until fuzz/ has a target for the fake network.

#include <random>

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "packet_check.h"
#include "sandbox/fakenet/fake_net.h"
#include "support/hex.h"

namespace kansoku::sandbox::fakenet {
namespace {

using test::ip;

std::vector<std::vector<uint8_t>> seeds() {
    capture::PacketBuilder b(false);
    std::vector<std::vector<uint8_t>> out;
    auto keep = [&](std::span<const uint8_t> p) { out.emplace_back(p.begin(), p.end()); };
    const auto dns = kansoku::testing::fromHex("1234 0100 0001 0000 0000 0000 03 777777 01 61 c00c 0001 0001");
    keep(b.udp({ip("198.51.100.77"), ip("8.8.8.8")}, 4000, 53, dns));
    keep(b.udp({ip("2001:db8::77"), ip("2001:db8::53")}, 4000, 53, dns));
    keep(b.tcp({ip("198.51.100.77"), ip("203.0.113.1")}, {4000, 80, 1, 0, capture::tcp_flag::kSyn, 1024, 1460}));
    keep(b.tcp({ip("198.51.100.77"), ip("203.0.113.1")}, {4000, 80, 2, 0, capture::tcp_flag::kAck, 1024, 0}));
    keep(b.icmp({ip("198.51.100.77"), ip("203.0.113.9")}, 8, 0, 1, std::vector<uint8_t>(16, 'p')));
    keep(b.icmp({ip("2001:db8::77"), ip("2001:db8::9")}, 128, 0, 1, std::vector<uint8_t>(16, 'p')));
    keep(buildIpPacket(ip("2001:db8::77"), ip("2001:db8::1"), 0,
                       std::vector<uint8_t>{6, 0, 1, 4, 0, 0, 0, 0, 0, 1, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 2}));
    return out;
}

TEST(FakeNetMutationTest, MutatedPacketsNeverCrashAndRepliesStayValid) {
    std::mt19937 rng(20240501);
    const auto base = seeds();
    FakeNetConfig config;
    config.tcp.max_connections = 64;
    config.tcp.max_connection_records = 64;
    config.dns.max_records = 64;
    FakeNet net(config);
    constexpr int kRounds = 30000;
    uint64_t replies = 0;
    Timestamp now = 1'700'000'000 * kMicrosPerSecond;
    for (int i = 0; i < kRounds; ++i) {
        std::vector<uint8_t> p = base[rng() % base.size()];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            switch (rng() % 4) {
            case 0: // flip a byte
                if (!p.empty()) {
                    p[rng() % p.size()] = static_cast<uint8_t>(rng());
                }
                break;
            case 1: // cut
                p.resize(rng() % (p.size() + 1));
                break;
            case 2: // grow
                p.resize(p.size() + rng() % 64, static_cast<uint8_t>(rng()));
                break;
            default: // hit the fields parsers trust most: lengths and offsets
                if (p.size() > 40) {
                    static constexpr size_t kSpots[] = {0, 2, 3, 4, 5, 24, 25, 32, 33, 38, 39, 40};
                    p[kSpots[rng() % std::size(kSpots)]] = static_cast<uint8_t>(rng());
                }
                break;
            }
        }
        now += 1000;
        Replies out;
        net.handlePacket(p, now, out);
        if (i % 1000 == 0) {
            net.tick(now + 10 * kMicrosPerSecond, out);
        }
        for (const auto& r : out) {
            ASSERT_TRUE(test::checksumsValid(r)) << "round " << i;
        }
        replies += out.size();
    }
    const auto o = net.observation();
    EXPECT_EQ(o.counters.packets_in, static_cast<uint64_t>(kRounds));
    EXPECT_EQ(o.counters.packets_out, replies);
    EXPECT_GT(o.counters.malformed_ip, 0U);
    EXPECT_LE(o.connections.size(), 64U);
    EXPECT_LE(o.dns.size(), 64U);
    EXPECT_FALSE(o.toJson().dump().empty());
}

} // namespace
} // namespace kansoku::sandbox::fakenet

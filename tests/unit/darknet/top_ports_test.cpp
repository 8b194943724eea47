#include <map>

#include <gtest/gtest.h>

#include "darknet/top_ports.h"

namespace kansoku::darknet {
namespace {

using PortCounts = std::vector<std::pair<uint16_t, uint32_t>>;

TEST(TopPorts, EmptyHasNothing) {
    EXPECT_TRUE(TopPorts{}.top(8).empty());
}

TEST(TopPorts, ExactForUpToEightPorts) {
    TopPorts t;
    // Port 100 + k gets k packets, k = 1..8, interleaved.
    for (uint32_t round = 1; round <= 8; ++round) {
        for (uint32_t k = round; k <= 8; ++k) {
            t.add(static_cast<uint16_t>(100 + k));
        }
    }
    EXPECT_EQ(t.top(8), (PortCounts{{108, 8}, {107, 7}, {106, 6}, {105, 5}, {104, 4}, {103, 3}, {102, 2}, {101, 1}}));
    EXPECT_EQ(t.top(3), (PortCounts{{108, 8}, {107, 7}, {106, 6}}));
    EXPECT_EQ(t.top(64).size(), 8U);
}

TEST(TopPorts, TiesAreOrderedByLowerPort) {
    TopPorts t;
    for (const uint16_t port : {443, 80, 23, 80, 23, 443}) {
        t.add(port);
    }
    t.add(8080);
    EXPECT_EQ(t.top(8), (PortCounts{{23, 2}, {80, 2}, {443, 2}, {8080, 1}}));
}

TEST(TopPorts, HeavyPortsSurviveManyLightOnes) {
    TopPorts t;
    std::map<uint16_t, uint32_t> truth;
    auto add = [&](uint16_t port) {
        t.add(port);
        ++truth[port];
    };
    for (int i = 0; i < 100; ++i) {
        add(23);
        if (i % 2 == 0) {
            add(2323);
        }
        add(static_cast<uint16_t>(10000 + i)); // 100 ports seen once
        add(static_cast<uint16_t>(20000 + i));
    }
    const auto top = t.top(8);
    ASSERT_GE(top.size(), 2U);
    EXPECT_EQ(top[0], (std::pair<uint16_t, uint32_t>{23, 100}));
    EXPECT_EQ(top[1], (std::pair<uint16_t, uint32_t>{2323, 50}));
    for (const auto& [port, count] : top) {
        // Guaranteed counts never exceed the true count.
        EXPECT_LE(count, truth[port]) << port;
    }
}

TEST(TopPorts, UniformVerticalScanIsNotInflated) {
    TopPorts t;
    for (uint32_t port = 1; port <= 1000; ++port) {
        t.add(static_cast<uint16_t>(port));
    }
    const auto top = t.top(8);
    EXPECT_EQ(top.size(), 8U);
    for (const auto& [port, count] : top) {
        EXPECT_LE(count, 1U) << port;
    }
}

TEST(TopPorts, GuaranteedCountsAreLowerBoundsOnASkewedStream) {
    TopPorts t;
    std::map<uint16_t, uint32_t> truth;
    uint32_t x = 99;
    for (int i = 0; i < 20'000; ++i) {
        x = x * 1103515245U + 12345U;
        // Skewed over ports 1..64.
        const uint32_t r = (x >> 16) % 1000;
        const auto port = static_cast<uint16_t>(1 + (r * r * r) / 15'625'000); // port 1: 25%, port 2: 6.5%, ...
        t.add(port);
        ++truth[port];
    }
    const auto top = t.top(8);
    ASSERT_EQ(top.size(), 8U);
    for (size_t i = 0; i < top.size(); ++i) {
        EXPECT_LE(top[i].second, truth[top[i].first]) << top[i].first;
        if (i > 0) {
            EXPECT_GE(top[i - 1].second, top[i].second);
        }
    }
    // The most frequent port is found with its count within the Space-Saving bound.
    uint16_t best = 0;
    for (const auto& [port, count] : truth) {
        if (count > truth[best]) {
            best = port;
        }
    }
    EXPECT_EQ(top[0].first, best);
}

} // namespace
} // namespace kansoku::darknet

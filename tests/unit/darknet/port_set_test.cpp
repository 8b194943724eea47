#include <vector>

#include <gtest/gtest.h>

#include "darknet/port_set.h"

namespace kansoku::darknet {
namespace {

TEST(PortSet, InlineThenOneLineThenBitmap) {
    PortSet s;
    EXPECT_EQ(s.count(), 0U);
    for (const uint16_t port : {23, 23, 0, 0, 65535, 2323}) {
        EXPECT_EQ(s.insert(port), 0);
    }
    EXPECT_EQ(s.count(), 4U);
    EXPECT_EQ(s.heapBytes(), 0U);

    EXPECT_EQ(s.insert(80), 64); // fifth port: one cache line of ports, reported as heap growth once
    EXPECT_EQ(s.heapBytes(), 64U);
    EXPECT_EQ(s.count(), 5U);
    for (const uint16_t port : {23, 0, 65535, 2323, 80}) {
        EXPECT_EQ(s.insert(port), 0) << port;
    }
    EXPECT_EQ(s.count(), 5U);
    for (uint16_t port = 1000; port < 1027; ++port) { // up to 32 ports in the line
        EXPECT_EQ(s.insert(port), 0) << port;
    }
    EXPECT_EQ(s.count(), 32U);
    EXPECT_EQ(s.insert(7), 8192 - 64); // the 33rd: the bitmap replaces the line
    EXPECT_EQ(s.heapBytes(), 8192U);
    // Every earlier port moved into the bitmap.
    for (const uint16_t port : {23, 0, 65535, 2323, 80, 1000, 1026, 7}) {
        EXPECT_EQ(s.insert(port), 0) << port;
    }
    EXPECT_EQ(s.count(), 33U);
}

TEST(PortSet, ExactUpToEveryPort) {
    PortSet s;
    ptrdiff_t heap = 0;
    for (uint32_t port = 0; port <= 65535; ++port) {
        heap += s.insert(static_cast<uint16_t>(port));
        ASSERT_EQ(s.count(), port + 1);
    }
    EXPECT_EQ(s.count(), 65536U);
    for (uint32_t port = 0; port <= 65535; port += 251) {
        s.insert(static_cast<uint16_t>(port));
    }
    EXPECT_EQ(s.count(), 65536U);
    EXPECT_EQ(s.heapBytes(), 8192U);
    EXPECT_EQ(heap, 8192);
}

TEST(PortSet, RandomOrderAndDuplicates) {
    PortSet s;
    uint32_t x = 12345;
    std::vector<bool> seen(65536);
    uint32_t distinct = 0;
    for (int i = 0; i < 100'000; ++i) {
        x = x * 1103515245U + 12345U;
        const auto port = static_cast<uint16_t>(x >> 16);
        distinct += seen[port] ? 0 : 1;
        seen[port] = true;
        s.insert(port);
        ASSERT_EQ(s.count(), distinct);
    }
}

TEST(PortSet, MoveKeepsContents) {
    PortSet a;
    for (uint16_t p = 1; p <= 10; ++p) {
        a.insert(p);
    }
    PortSet b = std::move(a);
    EXPECT_EQ(b.count(), 10U);
    b.insert(5);
    EXPECT_EQ(b.count(), 10U);
}

} // namespace
} // namespace kansoku::darknet

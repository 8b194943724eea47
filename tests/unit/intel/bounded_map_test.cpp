#include <string>

#include <gtest/gtest.h>

#include "intel/bounded_map.h"

namespace kansoku::intel {
namespace {

TEST(BoundedMap, KeepsRecentlyUsedEntriesWithinTheCap) {
    BoundedMap<int, std::string> map(10); // generations of 5
    for (int i = 0; i < 5; ++i) {
        map.findOrCreate(i) = std::to_string(i);
    }
    EXPECT_EQ(map.size(), 5U);
    for (int i = 5; i < 10; ++i) {
        map.findOrCreate(i); // 0..4 move to the older generation
    }
    ASSERT_NE(map.find(0), nullptr); // used: back in the current generation
    EXPECT_EQ(*map.find(0), "0");
    for (int i = 10; i < 20; ++i) {
        map.findOrCreate(i);
    }
    EXPECT_LE(map.size(), 10U);
    EXPECT_EQ(map.find(1), nullptr); // unused for two generations: gone
    EXPECT_NE(map.find(19), nullptr);
    EXPECT_GT(map.evicted(), 0U);
    EXPECT_EQ(map.evicted() + map.size(), 20U);
}

TEST(BoundedMap, AbsentKeysAndErase) {
    BoundedMap<int, int> map(1000);
    bool created = false;
    map.findOrCreate(7, &created) = 70;
    EXPECT_TRUE(created);
    map.findOrCreate(7, &created);
    EXPECT_FALSE(created);
    for (int i = 100; i < 10'000; ++i) {
        EXPECT_EQ(map.find(i), nullptr) << i;
    }
    EXPECT_TRUE(map.erase(7));
    EXPECT_FALSE(map.erase(7));
    EXPECT_EQ(map.find(7), nullptr);
    int visited = 0;
    map.findOrCreate(8);
    map.forEach([&](int, int&) { ++visited; });
    EXPECT_EQ(visited, 1);
}

TEST(BoundedMap, EveryHeldKeyIsFoundAcrossManyGenerations) {
    BoundedMap<int, int> map(64);
    for (int i = 0; i < 10'000; ++i) {
        map.findOrCreate(i) = i;
        ASSERT_NE(map.find(i), nullptr) << i;
        if (i > 0) {
            ASSERT_NE(map.find(i - 1), nullptr) << i; // the previous key is always held
        }
    }
    int held = 0;
    map.forEach([&](int key, int& value) {
        EXPECT_EQ(key, value);
        ++held;
    });
    EXPECT_EQ(static_cast<size_t>(held), map.size());
}

} // namespace
} // namespace kansoku::intel

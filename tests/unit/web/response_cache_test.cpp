#include <limits>

#include <gtest/gtest.h>

#include "web/response_cache.h"

namespace kansoku::web {
namespace {

constexpr Timestamp kNever = std::numeric_limits<Timestamp>::max();

std::shared_ptr<const std::string> body(size_t size, char c = 'x') {
    return std::make_shared<const std::string>(size, c);
}

TEST(ResponseCacheTest, HitsOnlyUnderTheSameStampAndBeforeItsExpiry) {
    ResponseCache cache(8, 1024, Duration::fromSeconds(1));
    cache.put("a", {1, 0}, 0, kNever, body(10));
    EXPECT_TRUE(cache.find("a", {1, 0}, 999'999));
    EXPECT_FALSE(cache.find("b", {1, 0}, 0));
    EXPECT_FALSE(cache.find("a", {1, 1}, 10)); // this connection wrote: dropped
    EXPECT_FALSE(cache.find("a", {1, 0}, 10)); // and gone
    cache.put("a", {2, 0}, 0, kNever, body(10));
    EXPECT_FALSE(cache.find("a", {2, 0}, 1'000'000)); // older than the cache's max age
    cache.put("a", {2, 0}, 0, 500, body(10));
    EXPECT_TRUE(cache.find("a", {2, 0}, 499));
    EXPECT_FALSE(cache.find("a", {2, 0}, 500)); // its own expiry (a notice link ran out)
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.hits(), 2u);
}

TEST(ResponseCacheTest, EvictsTheLeastRecentlyUsedWithinItsBounds) {
    ResponseCache cache(2, 100, Duration::fromSeconds(10));
    cache.put("a", {0, 0}, 0, kNever, body(40));
    cache.put("b", {0, 0}, 0, kNever, body(40));
    EXPECT_TRUE(cache.find("a", {0, 0}, 1));     // a is now the most recent
    cache.put("c", {0, 0}, 0, kNever, body(40)); // over two entries: b goes
    EXPECT_TRUE(cache.find("a", {0, 0}, 1));
    EXPECT_FALSE(cache.find("b", {0, 0}, 1));
    cache.put("d", {0, 0}, 0, kNever, body(90)); // over 100 bytes: both others go
    EXPECT_EQ(cache.size(), 1u);
    cache.put("e", {0, 0}, 0, kNever, body(101)); // larger than the cache: not kept
    EXPECT_FALSE(cache.find("e", {0, 0}, 1));
    EXPECT_TRUE(cache.find("d", {0, 0}, 1));
}

} // namespace
} // namespace kansoku::web

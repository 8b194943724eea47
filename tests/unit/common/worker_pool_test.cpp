#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "common/worker_pool.h"

namespace kansoku {
namespace {

using namespace std::chrono_literals;

TEST(JobFifo, OffersTakesAndShutsDown) {
    JobFifo<int> fifo(2);
    EXPECT_EQ(fifo.offer(1), JobFifo<int>::Offer::Accepted);
    EXPECT_EQ(fifo.offer(2), JobFifo<int>::Offer::Accepted);
    EXPECT_EQ(fifo.offer(3), JobFifo<int>::Offer::Full);
    EXPECT_EQ(fifo.queued(), 2u);
    EXPECT_EQ(fifo.take(), 1); // first in, first out
    EXPECT_EQ(fifo.inFlight(), 1u);
    EXPECT_FALSE(fifo.waitIdle(10ms));
    fifo.finished();
    EXPECT_EQ(fifo.shutdown(/*drop_waiting=*/false), 0u);
    EXPECT_EQ(fifo.offer(4), JobFifo<int>::Offer::Stopped);
    EXPECT_EQ(fifo.take(), 2); // a drain still hands out what waits
    fifo.finished();
    EXPECT_EQ(fifo.take(), std::nullopt);
    EXPECT_TRUE(fifo.waitIdle(10ms));
}

TEST(JobFifo, StopDropsWhatWaits) {
    JobFifo<int> fifo(8);
    for (int i = 0; i < 5; ++i) {
        fifo.offer(i);
    }
    EXPECT_EQ(fifo.shutdown(/*drop_waiting=*/true), 5u);
    EXPECT_EQ(fifo.take(), std::nullopt);
}

TEST(WorkerPool, EveryJobHandledOnceAcrossWorkers) {
    std::mutex mutex;
    std::vector<int> seen;
    std::atomic<int> set_up{0};
    WorkerPool<int> pool(1000);
    pool.start(3, [&](size_t) {
        ++set_up; // once per worker, on its thread
        return [&](int& job) {
            std::lock_guard lock(mutex);
            seen.push_back(job);
        };
    });
    for (int i = 0; i < 500; ++i) {
        ASSERT_EQ(pool.offer(i), WorkerPool<int>::Offer::Accepted);
    }
    pool.waitIdle();
    EXPECT_EQ(pool.shutdown(false), 0u);
    EXPECT_EQ(set_up.load(), 3);
    EXPECT_EQ(pool.workerCount(), 3u);
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(seen.size(), 500u);
    for (int i = 0; i < 500; ++i) {
        EXPECT_EQ(seen[static_cast<size_t>(i)], i);
    }
    EXPECT_EQ(pool.shutdown(true), 0u); // idempotent
}

TEST(Hex, DigitValues) {
    EXPECT_EQ(hexDigitValue('0'), 0);
    EXPECT_EQ(hexDigitValue('9'), 9);
    EXPECT_EQ(hexDigitValue('a'), 10);
    EXPECT_EQ(hexDigitValue('F'), 15);
    EXPECT_EQ(hexDigitValue('g'), -1);
    EXPECT_EQ(hexDigitValue('\0'), -1);
}

} // namespace
} // namespace kansoku

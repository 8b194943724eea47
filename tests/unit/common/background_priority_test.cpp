#include <thread>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/background_priority.h"

namespace kansoku {
namespace {

TEST(BackgroundPriority, LowersTheCallingThreadOnly) {
    const int before = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    int background = -100;
    std::thread worker([&background] {
        ASSERT_TRUE(lowerToBackgroundPriority());
        background = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    });
    worker.join();
    EXPECT_EQ(background, kBackgroundNice);
    EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), before); // this thread keeps its own
}

} // namespace
} // namespace kansoku

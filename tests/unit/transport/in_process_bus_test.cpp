#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "transport/in_process_bus.h"

namespace kansoku::transport {
namespace {

Event numbered(int n) {
    Event event;
    event.type = "test.event";
    event.ts = n;
    event.sensor = "unit";
    event.add("n", n);
    return event;
}

/// Records what it receives; optionally slow, throwing on some events, or failing its flush.
class RecordingConsumer final : public EventSink {
public:
    void publish(const Event& event) override {
        if (delay.count() > 0) {
            std::this_thread::sleep_for(delay);
        }
        if (throw_on_odd && event.ts % 2 == 1) {
            throw std::runtime_error("odd event refused");
        }
        std::lock_guard lock(mutex);
        seen.push_back(event.ts);
    }
    Result<void> flush() override {
        ++flushes;
        std::lock_guard lock(mutex);
        flushed_count = seen.size();
        if (fail_flush) {
            return fail("disk full");
        }
        return {};
    }
    std::vector<Timestamp> snapshot() {
        std::lock_guard lock(mutex);
        return seen;
    }

    std::chrono::microseconds delay{0};
    bool throw_on_odd = false;
    bool fail_flush = false;
    std::atomic<int> flushes{0};
    size_t flushed_count = 0;
    std::mutex mutex;
    std::vector<Timestamp> seen;
};

TEST(InProcessBus, DeliversEveryEventInOrderToEveryConsumer) {
    InProcessBus bus;
    RecordingConsumer a;
    RecordingConsumer b;
    bus.subscribe("a", a);
    bus.subscribe("b", b);
    ASSERT_TRUE(bus.start());
    for (int i = 0; i < 1000; ++i) {
        bus.publisher(Overflow::Block).publish(numbered(i));
    }
    ASSERT_TRUE(bus.flush());
    for (auto* consumer : {&a, &b}) {
        const auto seen = consumer->snapshot();
        ASSERT_EQ(seen.size(), 1000u);
        for (int i = 0; i < 1000; ++i) {
            EXPECT_EQ(seen[i], i);
        }
        EXPECT_GE(consumer->flushes.load(), 1);
        EXPECT_EQ(consumer->flushed_count, 1000u); // flush() ran after every earlier event
    }
    const auto counters = bus.counters();
    EXPECT_EQ(counters.published, 1000u);
    EXPECT_EQ(counters.dropped, 0u);
    ASSERT_EQ(counters.consumers.size(), 2u);
    EXPECT_EQ(counters.consumers[0].delivered, 1000u);
    EXPECT_EQ(counters.consumers[1].name, "b");
}

TEST(InProcessBus, FloodingDropProducerIsBoundedAndCounted) {
    InProcessBusOptions options;
    options.capacity = 64;
    InProcessBus bus(options);
    RecordingConsumer slow;
    slow.delay = std::chrono::microseconds(200);
    bus.subscribe("slow", slow);
    ASSERT_TRUE(bus.start());
    constexpr int kEvents = 20000;
    for (int i = 0; i < kEvents; ++i) {
        bus.publisher(Overflow::Drop).publish(numbered(i)); // never waits
    }
    ASSERT_TRUE(bus.stop());
    const auto counters = bus.counters();
    EXPECT_LE(counters.max_queued, 64u);
    EXPECT_GT(counters.dropped, 0u);
    EXPECT_EQ(counters.published + counters.dropped, static_cast<uint64_t>(kEvents));
    EXPECT_EQ(slow.snapshot().size(), counters.published); // everything accepted was delivered at stop
    EXPECT_EQ(counters.blocked, 0u);
}

TEST(InProcessBus, FloodingBlockProducerWaitsAndLosesNothing) {
    InProcessBusOptions options;
    options.capacity = 16;
    InProcessBus bus(options);
    RecordingConsumer slow;
    slow.delay = std::chrono::microseconds(20);
    bus.subscribe("slow", slow);
    ASSERT_TRUE(bus.start());
    std::vector<std::thread> producers;
    for (int p = 0; p < 4; ++p) {
        producers.emplace_back([&bus, p] {
            for (int i = 0; i < 500; ++i) {
                bus.publisher(Overflow::Block).publish(numbered(p * 1000 + i));
            }
        });
    }
    for (auto& thread : producers) {
        thread.join();
    }
    ASSERT_TRUE(bus.stop());
    const auto counters = bus.counters();
    EXPECT_EQ(counters.published, 2000u);
    EXPECT_EQ(counters.dropped, 0u);
    EXPECT_GT(counters.blocked, 0u);
    EXPECT_LE(counters.max_queued, 16u);
    EXPECT_EQ(slow.snapshot().size(), 2000u);
}

TEST(InProcessBus, ConsumerThatThrowsLosesOnlyItsEventAndIsCounted) {
    InProcessBus bus;
    RecordingConsumer picky;
    picky.throw_on_odd = true;
    RecordingConsumer steady;
    bus.subscribe("picky", picky);
    bus.subscribe("steady", steady);
    ASSERT_TRUE(bus.start());
    for (int i = 0; i < 100; ++i) {
        bus.publisher(Overflow::Block).publish(numbered(i));
    }
    ASSERT_TRUE(bus.stop());
    EXPECT_EQ(picky.snapshot().size(), 50u);
    EXPECT_EQ(steady.snapshot().size(), 100u);
    const auto counters = bus.counters();
    EXPECT_EQ(counters.consumers[0].errors, 50u);
    EXPECT_EQ(counters.consumers[0].delivered, 50u);
    EXPECT_EQ(counters.consumers[0].last_error, "odd event refused");
    EXPECT_EQ(counters.consumers[1].errors, 0u);
}

TEST(InProcessBus, StopDeliversWhatIsQueuedAndFlushes) {
    InProcessBusOptions options;
    options.flush_interval = std::chrono::hours(1); // only stop() flushes
    InProcessBus bus(options);
    RecordingConsumer consumer;
    consumer.delay = std::chrono::microseconds(50);
    bus.subscribe("store", consumer);
    ASSERT_TRUE(bus.start());
    for (int i = 0; i < 500; ++i) {
        bus.publisher(Overflow::Block).publish(numbered(i));
    }
    ASSERT_TRUE(bus.stop());
    EXPECT_EQ(consumer.snapshot().size(), 500u);
    EXPECT_EQ(consumer.flushed_count, 500u);
    // After stop, publishing is refused and counted; stop is idempotent.
    bus.publisher(Overflow::Block).publish(numbered(1));
    EXPECT_EQ(bus.counters().dropped, 1u);
    EXPECT_TRUE(bus.stop());
}

TEST(InProcessBus, FlushReportsAConsumersFlushError) {
    InProcessBus bus;
    RecordingConsumer broken;
    broken.fail_flush = true;
    bus.subscribe("db", broken);
    ASSERT_TRUE(bus.start());
    bus.publisher(Overflow::Block).publish(numbered(1));
    const auto flushed = bus.flush();
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error().message, "db: disk full");
    EXPECT_GE(bus.counters().consumers[0].flush_errors, 1u);
    EXPECT_FALSE(bus.stop());
}

TEST(InProcessBus, FlushWhileProducersKeepPublishingReturns) {
    InProcessBus bus;
    RecordingConsumer consumer;
    bus.subscribe("c", consumer);
    ASSERT_TRUE(bus.start());
    std::atomic<bool> done{false};
    std::thread producer([&] {
        int i = 0;
        while (!done.load()) {
            bus.publisher(Overflow::Drop).publish(numbered(i++));
        }
    });
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(bus.flush());
    }
    done.store(true);
    producer.join();
    ASSERT_TRUE(bus.stop());
}

/// A consumer that derives events and publishes them back (correlation does): it must not
/// deadlock on a full bus, since it runs on the delivery thread.
class Republisher final : public EventSink {
public:
    explicit Republisher(EventBus& bus) : bus_(bus) {}
    void publish(const Event& event) override {
        if (event.type == "test.event") {
            Event derived = event;
            derived.type = "test.derived";
            bus_.publisher(Overflow::Block).publish(derived);
        }
    }

private:
    EventBus& bus_;
};

TEST(InProcessBus, ConsumerPublishingBackDoesNotDeadlock) {
    InProcessBusOptions options;
    options.capacity = 4;
    InProcessBus bus(options);
    Republisher republisher(bus);
    RecordingConsumer consumer;
    bus.subscribe("correlate", republisher);
    bus.subscribe("store", consumer);
    ASSERT_TRUE(bus.start());
    for (int i = 0; i < 200; ++i) {
        bus.publisher(Overflow::Block).publish(numbered(i));
    }
    ASSERT_TRUE(bus.stop());
    EXPECT_EQ(consumer.snapshot().size(), 400u);
}

TEST(InProcessBus, WithoutStartStopDeliversInline) {
    InProcessBus bus;
    RecordingConsumer consumer;
    bus.subscribe("c", consumer);
    bus.publisher(Overflow::Block).publish(numbered(7));
    ASSERT_TRUE(bus.stop());
    EXPECT_EQ(consumer.snapshot(), std::vector<Timestamp>{7});
}

} // namespace
} // namespace kansoku::transport

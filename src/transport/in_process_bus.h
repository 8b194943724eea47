#pragma once

/// The embedded event bus (ARCHITECTURE.md "One process on one machine"): a bounded FIFO in memory
/// and one delivery thread that hands each event to every consumer in turn. Bounded and counted:
/// a full bus either makes the producer wait or drops and counts (Overflow); a consumer that throws
/// loses that event alone and is counted; consumers are flushed every `flush_interval` and at stop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "transport/event_bus.h"

namespace kansoku::transport {

struct InProcessBusOptions {
    size_t capacity = 65536; ///< events waiting for delivery
    /// Consumers are flushed this often while events flow (the store commits its batch, files are
    /// written out), so a crash loses at most this much.
    std::chrono::milliseconds flush_interval{1000};
};

class InProcessBus final : public EventBus {
public:
    explicit InProcessBus(InProcessBusOptions options = {});
    /// stop().
    ~InProcessBus() override;
    InProcessBus(const InProcessBus&) = delete;
    InProcessBus& operator=(const InProcessBus&) = delete;

    EventSink& publisher(Overflow overflow) override;
    void subscribe(std::string name, EventSink& consumer) override;
    Result<void> start() override;
    Result<void> flush() override;
    Result<void> stop() override;
    EventBusCounters counters() const override;

private:
    class Publisher;
    struct Consumer {
        std::string name;
        EventSink* sink = nullptr;
        std::atomic<uint64_t> delivered{0};
        std::atomic<uint64_t> errors{0};
        std::atomic<uint64_t> flush_errors{0};
        std::string last_error; ///< guarded by mutex_
    };

    bool enqueue(const Event& event, Overflow overflow);
    void deliveryLoop();
    /// On the delivery thread (or inline when there is none).
    void deliver(const Event& event);
    Result<void> flushConsumers();
    void noteError(Consumer& consumer, std::string message);

    InProcessBusOptions options_;
    std::unique_ptr<Publisher> blocking_;
    std::unique_ptr<Publisher> dropping_;

    mutable std::mutex mutex_;
    std::condition_variable has_events_; ///< the delivery thread waits here
    std::condition_variable has_room_;   ///< blocked producers wait here
    std::condition_variable delivered_;  ///< flush() waits here
    std::deque<Event> queue_;
    bool started_ = false;
    bool stopping_ = false;
    bool thread_done_ = false;  ///< the delivery thread has delivered everything and returned
    uint64_t enqueued_ = 0;     ///< events accepted so far
    uint64_t completed_ = 0;    ///< events delivered so far
    uint64_t flush_target_ = 0; ///< the pending flushes are served once completed_ reaches this
    uint64_t flush_wanted_ = 0; ///< flush() tickets handed out
    uint64_t flush_done_ = 0;   ///< the highest ticket the delivery thread has served
    Result<void> flush_result_;
    Result<void> stop_result_;
    EventBusCounters counters_;
    std::vector<std::unique_ptr<Consumer>> consumers_; ///< fixed after start()
    std::thread thread_;
};

} // namespace kansoku::transport

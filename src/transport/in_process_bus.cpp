#include "transport/in_process_bus.h"

#include <exception>
#include <utility>

namespace kansoku::transport {

/// A producer's handle: one per overflow policy.
class InProcessBus::Publisher final : public EventSink {
public:
    Publisher(InProcessBus& bus, Overflow overflow) : bus_(bus), overflow_(overflow) {}
    void publish(const Event& event) override { bus_.enqueue(event, overflow_); }
    /// Durability for a producer that asks for it (the end of an offline run): everything
    /// published so far reaches the consumers and they flush.
    Result<void> flush() override { return bus_.flush(); }

private:
    InProcessBus& bus_;
    Overflow overflow_;
};

InProcessBus::InProcessBus(InProcessBusOptions options)
    : options_(options), blocking_(std::make_unique<Publisher>(*this, Overflow::Block)),
      dropping_(std::make_unique<Publisher>(*this, Overflow::Drop)) {
    if (options_.capacity == 0) {
        options_.capacity = 1;
    }
}

InProcessBus::~InProcessBus() {
    (void)stop();
}

EventSink& InProcessBus::publisher(Overflow overflow) {
    return overflow == Overflow::Block ? *blocking_ : *dropping_;
}

void InProcessBus::subscribe(std::string name, EventSink& consumer) {
    std::lock_guard lock(mutex_);
    auto c = std::make_unique<Consumer>();
    c->name = std::move(name);
    c->sink = &consumer;
    consumers_.push_back(std::move(c));
}

Result<void> InProcessBus::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) {
        return fail("event bus: already started or stopped");
    }
    started_ = true;
    thread_ = std::thread([this] { deliveryLoop(); });
    return {};
}

bool InProcessBus::enqueue(const Event& event, Overflow overflow) {
    std::unique_lock lock(mutex_);
    // A consumer that publishes (correlation emitting what it derived) runs on the delivery thread:
    // waiting there for room would wait for itself, so its events are taken over capacity.
    const bool from_delivery = started_ && std::this_thread::get_id() == thread_.get_id();
    if (stopping_ && !from_delivery) {
        ++counters_.dropped;
        return false;
    }
    if (queue_.size() >= options_.capacity && !from_delivery) {
        if (overflow == Overflow::Drop || !started_) {
            ++counters_.dropped;
            return false;
        }
        ++counters_.blocked;
        has_room_.wait(lock, [&] { return stopping_ || queue_.size() < options_.capacity; });
        if (stopping_) {
            ++counters_.dropped;
            return false;
        }
    }
    queue_.push_back(event);
    ++enqueued_;
    ++counters_.published;
    if (queue_.size() > counters_.max_queued) {
        counters_.max_queued = queue_.size();
    }
    has_events_.notify_one();
    return true;
}

void InProcessBus::noteError(Consumer& consumer, std::string message) {
    std::lock_guard lock(mutex_);
    consumer.last_error = std::move(message);
}

void InProcessBus::deliver(const Event& event) {
    for (auto& consumer : consumers_) {
        try {
            consumer->sink->publish(event);
            consumer->delivered.fetch_add(1, std::memory_order_relaxed);
        } catch (const std::exception& e) {
            consumer->errors.fetch_add(1, std::memory_order_relaxed);
            noteError(*consumer, e.what());
        } catch (...) {
            consumer->errors.fetch_add(1, std::memory_order_relaxed);
            noteError(*consumer, "unknown exception");
        }
    }
}

Result<void> InProcessBus::flushConsumers() {
    Result<void> first;
    for (auto& consumer : consumers_) {
        Result<void> flushed;
        try {
            flushed = consumer->sink->flush();
        } catch (const std::exception& e) {
            flushed = fail("{}", e.what());
        }
        if (!flushed) {
            consumer->flush_errors.fetch_add(1, std::memory_order_relaxed);
            noteError(*consumer, flushed.error().message);
            if (first) {
                first = fail("{}: {}", consumer->name, flushed.error().message);
            }
        }
    }
    return first;
}

void InProcessBus::deliveryLoop() {
    using Clock = std::chrono::steady_clock;
    auto last_flush = Clock::now();
    bool unflushed = false;
    std::deque<Event> batch;
    std::unique_lock lock(mutex_);
    for (;;) {
        has_events_.wait_for(lock, options_.flush_interval,
                             [&] { return !queue_.empty() || stopping_ || flush_wanted_ > flush_done_; });
        if (!queue_.empty()) {
            batch.swap(queue_);
            has_room_.notify_all();
            lock.unlock();
            for (const Event& event : batch) {
                deliver(event);
            }
            lock.lock();
            completed_ += batch.size();
            batch.clear();
            unflushed = true;
        }
        // A flush is served once everything published before it was delivered, even while
        // producers keep publishing.
        const uint64_t wanted = flush_wanted_;
        const bool flush_due = wanted > flush_done_ && completed_ >= flush_target_;
        const bool stop_now = stopping_ && queue_.empty();
        const bool timer_due = unflushed && Clock::now() - last_flush >= options_.flush_interval;
        if (flush_due || stop_now || timer_due) {
            lock.unlock();
            auto flushed = flushConsumers();
            lock.lock();
            last_flush = Clock::now();
            unflushed = false;
            if (flush_due) {
                flush_result_ = flushed;
                flush_done_ = wanted;
            }
            if (stop_now && queue_.empty()) {
                stop_result_ = flushed;
                thread_done_ = true;
                delivered_.notify_all();
                return;
            }
            delivered_.notify_all();
        }
    }
}

Result<void> InProcessBus::flush() {
    std::unique_lock lock(mutex_);
    if (!started_ || thread_done_) {
        // No delivery thread: deliver here (nothing else calls the consumers).
        std::deque<Event> batch;
        batch.swap(queue_);
        lock.unlock();
        for (const Event& event : batch) {
            deliver(event);
        }
        return flushConsumers();
    }
    if (std::this_thread::get_id() == thread_.get_id()) {
        return fail("event bus: flush() called by a consumer");
    }
    const uint64_t ticket = ++flush_wanted_;
    flush_target_ = enqueued_;
    has_events_.notify_one();
    delivered_.wait(lock, [&] { return flush_done_ >= ticket || thread_done_; });
    return flush_done_ >= ticket ? flush_result_ : stop_result_;
}

Result<void> InProcessBus::stop() {
    std::unique_lock lock(mutex_);
    if (stopping_) {
        // Stopped before (the destructor after an explicit stop): consumers may be gone by now.
        if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) {
            lock.unlock();
            thread_.join();
            lock.lock();
        }
        return stop_result_;
    }
    if (!started_) {
        stopping_ = true;
        has_room_.notify_all();
        lock.unlock();
        stop_result_ = flush();
        return stop_result_;
    }
    stopping_ = true;
    has_room_.notify_all();
    has_events_.notify_one();
    lock.unlock();
    if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) {
        thread_.join();
    }
    lock.lock();
    return stop_result_;
}

EventBusCounters InProcessBus::counters() const {
    std::lock_guard lock(mutex_);
    EventBusCounters out = counters_;
    out.queued = queue_.size();
    out.consumers.reserve(consumers_.size());
    for (const auto& consumer : consumers_) {
        ConsumerCounters c;
        c.name = consumer->name;
        c.delivered = consumer->delivered.load(std::memory_order_relaxed);
        c.errors = consumer->errors.load(std::memory_order_relaxed);
        c.flush_errors = consumer->flush_errors.load(std::memory_order_relaxed);
        c.last_error = consumer->last_error;
        out.consumers.push_back(std::move(c));
    }
    return out;
}

} // namespace kansoku::transport

#pragma once

/// The bounded first-in-first-out of jobs that worker threads share (the triage pool, the sandbox
/// queue): producers offer without ever blocking, workers take until shutdown, and anyone may wait
/// for the queue to be idle. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace kansoku {

template <class Job>
class JobFifo {
public:
    enum class Offer : uint8_t { Accepted, Full, Stopped };

    explicit JobFifo(size_t capacity) : capacity_(capacity) {}

    /// Never blocks.
    Offer offer(Job job) {
        std::lock_guard lock(mutex_);
        if (!accepting_) {
            return Offer::Stopped;
        }
        if (jobs_.size() >= capacity_) {
            return Offer::Full;
        }
        jobs_.push_back(std::move(job));
        ready_.notify_one();
        return Offer::Accepted;
    }

    /// The next job (now counted in flight until finished()), waiting for one; nullopt once the
    /// queue is shut down and empty: the worker should exit.
    std::optional<Job> take() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty() || shut_down_; });
        if (jobs_.empty()) {
            return std::nullopt;
        }
        Job job = std::move(jobs_.front());
        jobs_.pop_front();
        ++in_flight_;
        return job;
    }

    /// A job take() gave has been dealt with.
    void finished() {
        std::lock_guard lock(mutex_);
        --in_flight_;
        if (jobs_.empty() && in_flight_ == 0) {
            idle_.notify_all();
        }
    }

    /// Refuses new jobs; workers finish what is queued (or, with `drop_waiting`, only what they
    /// hold) and then take() gives nullopt. Returns how many waiting jobs were dropped.
    size_t shutdown(bool drop_waiting) {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        shut_down_ = true;
        size_t dropped = 0;
        if (drop_waiting) {
            dropped = jobs_.size();
            jobs_.clear();
        }
        ready_.notify_all();
        if (jobs_.empty() && in_flight_ == 0) {
            idle_.notify_all();
        }
        return dropped;
    }

    /// Blocks until nothing is queued or in flight, or `timeout` passes; true when idle.
    bool waitIdle(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return idle_.wait_for(lock, timeout, [this] { return jobs_.empty() && in_flight_ == 0; });
    }
    void waitIdle() {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [this] { return jobs_.empty() && in_flight_ == 0; });
    }

    uint64_t queued() const {
        std::lock_guard lock(mutex_);
        return jobs_.size();
    }
    uint64_t inFlight() const {
        std::lock_guard lock(mutex_);
        return in_flight_;
    }
    size_t capacity() const { return capacity_; }

private:
    const size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable idle_;
    std::deque<Job> jobs_;
    uint64_t in_flight_ = 0;
    bool accepting_ = true;
    bool shut_down_ = false;
};

} // namespace kansoku

#pragma once

/// N worker threads over one JobFifo (the triage pool, the sandbox queue): each worker sets itself
/// up once (make_handler runs on its own thread), then handles jobs until shutdown. Thread-safe.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/job_fifo.h"

namespace kansoku {

template <class Job>
class WorkerPool {
public:
    using Handler = std::function<void(Job& job)>;
    using Offer = typename JobFifo<Job>::Offer;

    explicit WorkerPool(size_t capacity) : fifo_(capacity) {}
    ~WorkerPool() { shutdown(true); }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Starts `workers` threads; worker i calls make_handler(i) first, on its own thread.
    void start(size_t workers, std::function<Handler(size_t index)> make_handler) {
        threads_.reserve(workers);
        for (size_t i = 0; i < workers; ++i) {
            threads_.emplace_back([this, i, make_handler] {
                Handler handle = make_handler(i);
                while (auto job = fifo_.take()) {
                    handle(*job);
                    fifo_.finished();
                }
            });
        }
    }

    Offer offer(Job job) { return fifo_.offer(std::move(job)); }

    /// Refuses new jobs, drops the waiting ones (with `drop_waiting`) or lets the workers finish
    /// them, and joins the workers. Returns how many were dropped. Idempotent.
    size_t shutdown(bool drop_waiting) {
        const size_t dropped = fifo_.shutdown(drop_waiting);
        std::lock_guard lock(join_mutex_);
        for (std::thread& thread : threads_) {
            if (thread.joinable()) {
                thread.join();
            }
        }
        return dropped;
    }

    bool waitIdle(std::chrono::milliseconds timeout) { return fifo_.waitIdle(timeout); }
    void waitIdle() { fifo_.waitIdle(); }
    uint64_t queued() const { return fifo_.queued(); }
    uint64_t inFlight() const { return fifo_.inFlight(); }
    size_t workerCount() const { return threads_.size(); }

private:
    JobFifo<Job> fifo_;
    std::mutex join_mutex_;
    std::vector<std::thread> threads_;
};

} // namespace kansoku

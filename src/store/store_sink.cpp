#include "store/store_sink.h"

#include <chrono>

namespace kansoku::store {
namespace {

uint64_t microsSince(std::chrono::steady_clock::time_point start) {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
}

} // namespace

StoreSink::StoreSink(Store& store, Mode mode) : store_(store) {
    if (const auto* batched = std::get_if<Batched>(&mode)) {
        batch_size_ = batched->batch_size > 0 ? batched->batch_size : 1;
    }
}

StoreSink::~StoreSink() {
    if (in_transaction_) {
        store_.rollback();
    }
}

void StoreSink::publish(const Event& event) {
    if (error_ && !batch_size_) {
        ++dropped_; // Atomic: the run has failed; nothing more is written
        return;
    }
    if (auto appended = append(event); !appended) {
        abandonPending(std::move(appended).error());
        ++dropped_;
        return;
    }
    if (batch_size_ && pending_ >= *batch_size_) {
        if (auto committed = commitPending(); !committed) {
            abandonPending(std::move(committed).error());
        }
    }
}

Result<void> StoreSink::flush() {
    if (!error_ && in_transaction_) {
        if (auto committed = commitPending(); !committed) {
            abandonPending(std::move(committed).error());
        }
    }
    if (!error_) {
        return {};
    }
    Error error = *error_;
    if (batch_size_) {
        error_.reset(); // Batched: reported once; the live run goes on
    }
    return fail(std::move(error));
}

Result<void> StoreSink::append(const Event& event) {
    const auto started = std::chrono::steady_clock::now();
    if (!in_transaction_) {
        KANSOKU_TRY(store_.begin());
        in_transaction_ = true;
        batch_micros_ = 0;
    }
    KANSOKU_TRY(store_.append(event));
    ++pending_;
    batch_micros_ += microsSince(started);
    return {};
}

Result<void> StoreSink::commitPending() {
    const auto started = std::chrono::steady_clock::now();
    KANSOKU_TRY(store_.commit());
    in_transaction_ = false;
    pending_ = 0;
    const uint64_t micros = batch_micros_ + microsSince(started);
    commits_.fetch_add(1, std::memory_order_relaxed);
    commit_micros_.fetch_add(micros, std::memory_order_relaxed);
    if (micros > max_commit_micros_.load(std::memory_order_relaxed)) {
        max_commit_micros_.store(micros, std::memory_order_relaxed); // one writer: no lost maximum
    }
    return {};
}

void StoreSink::abandonPending(Error error) {
    if (in_transaction_) {
        store_.rollback();
        in_transaction_ = false;
    }
    dropped_ += pending_;
    pending_ = 0;
    if (!error_) {
        error_ = std::move(error);
    }
}

} // namespace kansoku::store

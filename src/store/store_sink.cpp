#include "store/store_sink.h"

namespace kansoku::store {

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
    if (!in_transaction_) {
        KANSOKU_TRY(store_.begin());
        in_transaction_ = true;
    }
    KANSOKU_TRY(store_.append(event));
    ++pending_;
    return {};
}

Result<void> StoreSink::commitPending() {
    KANSOKU_TRY(store_.commit());
    in_transaction_ = false;
    pending_ = 0;
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

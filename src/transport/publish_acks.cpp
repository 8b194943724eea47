#include "transport/publish_acks.h"

namespace kansoku::transport {

void PublishAcks::reset(uint64_t acknowledged) {
    std::lock_guard lock(mutex_);
    contiguous_ = acknowledged;
    above_.clear();
    failed_ = false;
}

void PublishAcks::acknowledged(uint64_t sequence, bool duplicate) {
    {
        std::lock_guard lock(mutex_);
        duplicates_ += duplicate ? 1 : 0;
        if (sequence <= contiguous_) {
            return;
        }
        if (sequence != contiguous_ + 1) {
            above_.insert(sequence);
            return;
        }
        contiguous_ = sequence;
        while (!above_.empty() && *above_.begin() <= contiguous_ + 1) {
            contiguous_ = std::max(contiguous_, *above_.begin());
            above_.erase(above_.begin());
        }
    }
    changed_.notify_all();
}

void PublishAcks::failed() {
    {
        std::lock_guard lock(mutex_);
        failed_ = true;
    }
    changed_.notify_all();
}

uint64_t PublishAcks::contiguous() const {
    std::lock_guard lock(mutex_);
    return contiguous_;
}

bool PublishAcks::hasFailed() const {
    std::lock_guard lock(mutex_);
    return failed_;
}

uint64_t PublishAcks::duplicates() const {
    std::lock_guard lock(mutex_);
    return duplicates_;
}

void PublishAcks::waitPast(uint64_t sequence, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return failed_ || contiguous_ > sequence; });
}

} // namespace kansoku::transport

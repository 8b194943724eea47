#include "darknet/shard_worker.h"

namespace kansoku::darknet {

ShardWorker::ShardWorker(DarknetShard& shard, capture::PacketSource* feed) : shard_(shard), feed_(feed) {
    for (size_t i = 0; i < kBatches; ++i) {
        batches_.push_back(std::make_unique<PacketBatch>(kBatchPackets));
        free_.push_back(batches_.back().get());
    }
    filling_ = free_.back();
    free_.pop_back();
    thread_ = std::thread([this] { loop(); });
}

ShardWorker::~ShardWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ShardWorker::submit() {
    if (filling_->size == 0) {
        return;
    }
    std::unique_lock lock(mutex_);
    queue_.push_back({filling_, {}});
    wake_.notify_one();
    done_.wait(lock, [this] { return !free_.empty(); });
    filling_ = free_.back();
    free_.pop_back();
}

void ShardWorker::run(std::function<void(DarknetShard&)> step) {
    std::lock_guard lock(mutex_);
    queue_.push_back({nullptr, std::move(step)});
    wake_.notify_one();
}

void ShardWorker::wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void ShardWorker::hold() {
    std::unique_lock lock(mutex_);
    held_ = true;
    done_.wait(lock, [this] { return !feeding_; });
}

void ShardWorker::release() {
    {
        std::lock_guard lock(mutex_);
        held_ = false;
    }
    wake_.notify_one();
}

void ShardWorker::detachFeed() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return !feeding_; });
    feed_ = nullptr;
}

std::optional<Error> ShardWorker::feedError() {
    std::lock_guard lock(mutex_);
    return feed_error_;
}

bool ShardWorker::readFeed(std::unique_lock<std::mutex>& lock) {
    if (feed_ == nullptr || held_ || stopping_) {
        return false;
    }
    feeding_ = true;
    capture::PacketSource* feed = feed_;
    lock.unlock();
    auto status = feed->dispatch(shard_, kFeedPackets);
    lock.lock();
    feeding_ = false;
    if (!status) {
        feed_error_ = std::move(status.error());
        feed_ = nullptr;
    } else if (*status == capture::DispatchStatus::End || *status == capture::DispatchStatus::Stopped) {
        feed_ = nullptr;
    }
    done_.notify_all(); // hold() may be waiting for this read to end
    return true;
}

void ShardWorker::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (queue_.empty() && readFeed(lock)) {
            continue;
        }
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty() || (feed_ != nullptr && !held_); });
        if (queue_.empty()) {
            if (stopping_) {
                return; // and nothing left
            }
            continue; // the feed may be read again
        }
        Work work = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        if (work.batch != nullptr) {
            shard_.process(work.batch->packets.data(), work.batch->anomalies.data(), work.batch->size);
            work.batch->size = 0;
        } else {
            work.step(shard_);
        }
        lock.lock();
        busy_ = false;
        if (work.batch != nullptr) {
            free_.push_back(work.batch);
        }
        done_.notify_all();
    }
}

} // namespace kansoku::darknet

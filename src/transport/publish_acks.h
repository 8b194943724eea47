#pragma once

/// The stream's acknowledgements of a sensor's asynchronous publishes, as a watermark: every
/// sequence number up to contiguous() was acknowledged, so the spool's cursor may move there.
/// Acknowledgements arrive on libnats' thread, usually in order; the few out of order wait above
/// the watermark. A failed publish marks the whole pipeline failed: the sender resends from the
/// watermark (the stream drops what it already has by message id).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

namespace kansoku::transport {

class PublishAcks {
public:
    /// Everything up to `acknowledged` is done; forgets the rest and the failure.
    void reset(uint64_t acknowledged);
    void acknowledged(uint64_t sequence, bool duplicate);
    void failed();

    uint64_t contiguous() const;
    bool hasFailed() const;
    uint64_t duplicates() const;
    /// Waits until contiguous() passes `sequence`, a failure, or `timeout`.
    void waitPast(uint64_t sequence, std::chrono::milliseconds timeout);

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    uint64_t contiguous_ = 0;
    std::set<uint64_t> above_;
    bool failed_ = false;
    uint64_t duplicates_ = 0;
};

} // namespace kansoku::transport

#pragma once

/// The thread that runs one DarknetShard: it takes batches of decoded packets and steps
/// (housekeeping sweeps, end of input) in the order they were handed over. Batches come from a
/// small fixed set, so a worker that falls behind makes the reader wait (offline: nothing is
/// lost) instead of queueing without bound.
///
/// With a feed (live capture, one member of a PACKET_FANOUT group) the worker reads its own
/// source whenever it has nothing queued and is not held: a worker that falls behind fills only
/// its own ring, and the others carry on.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
#include "capture/packet_source.h"
#include "common/result.h"
#include "darknet/darknet_shard.h"

namespace kansoku::darknet {

/// Decoded packets for one worker.
struct PacketBatch {
    explicit PacketBatch(size_t capacity) : packets(capacity), anomalies(capacity) {}
    std::vector<capture::DecodedPacket> packets;
    std::vector<capture::DecodeAnomaly> anomalies;
    size_t size = 0;

    bool full() const { return size == packets.size(); }
};

class ShardWorker {
public:
    static constexpr size_t kBatchPackets = 1024;
    static constexpr size_t kBatches = 8;

    /// Packets read from `feed` per dispatch() call.
    static constexpr int kFeedPackets = 256;

    /// `feed`: a source this worker reads itself (not owned; may be null).
    explicit ShardWorker(DarknetShard& shard, capture::PacketSource* feed = nullptr);
    ~ShardWorker();
    ShardWorker(const ShardWorker&) = delete;
    ShardWorker& operator=(const ShardWorker&) = delete;

    /// The batch being filled (by the caller's thread only).
    PacketBatch& filling() { return *filling_; }
    /// Hands the filling batch to the worker and takes a free one (waits for one if none is free).
    void submit();
    /// Queues a step to run on the worker's thread after the batches handed over so far.
    void run(std::function<void(DarknetShard&)> step);
    /// Waits until the worker has done everything handed over; the shard may then be read.
    void wait();
    /// Stops reading the feed (waiting for the read under way to end) until release(); steps
    /// handed over meanwhile still run.
    void hold();
    void release();
    /// Reads the feed no more (it ended or failed, or the capture stops).
    void detachFeed();
    /// The feed's read error, if one ended it.
    std::optional<Error> feedError();

private:
    void loop();
    /// Reads one dispatch() from the feed if there is one and it is not held (unlocking meanwhile).
    bool readFeed(std::unique_lock<std::mutex>& lock);

    DarknetShard& shard_;
    capture::PacketSource* feed_;
    std::optional<Error> feed_error_;
    bool held_ = false;
    bool feeding_ = false; ///< a dispatch() from the feed is under way
    std::vector<std::unique_ptr<PacketBatch>> batches_;
    PacketBatch* filling_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_; ///< work queued or stopping
    std::condition_variable done_; ///< a batch came free or the queue emptied
    struct Work {
        PacketBatch* batch = nullptr;
        std::function<void(DarknetShard&)> step;
    };
    std::deque<Work> queue_;
    std::vector<PacketBatch*> free_;
    bool busy_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace kansoku::darknet

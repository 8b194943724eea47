#pragma once

/// The thread that runs one DarknetShard: it takes batches of decoded packets and steps
/// (housekeeping sweeps, end of input) in the order they were handed over. Batches come from a
/// small fixed set, so a worker that falls behind makes the reader wait (offline: nothing is
/// lost) instead of queueing without bound.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
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

    explicit ShardWorker(DarknetShard& shard);
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

private:
    void loop();

    DarknetShard& shard_;
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

#pragma once

/// The sensor's outbox (docs/transport.md "Spool"): every event is appended here with the next
/// sequence number before it is sent, and stays until the stream acknowledged it. Append-only
/// segment files `<first sequence>.seg` and a `cursor` file holding the highest acknowledged
/// sequence; a segment is deleted once all of it is acknowledged. Bounded: when the spool holds
/// `max_bytes`, the newest events are dropped and counted (never the ones already waiting).
///
/// Durability: records are written with write(2) when the sender reads them or every 64 KiB, and
/// the segment and the cursor are fsynced at most every `sync_interval` (and when a segment is
/// closed). After a process crash (SIGKILL) nothing written is lost, and a record torn in the
/// middle is cut off at the next open; after a power loss, at most the last interval is. The
/// cursor may lag the stream's acknowledgements by one interval, so after a restart a few events
/// are sent again: JetStream drops them by their message id.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku::transport {

struct DiskSpoolOptions {
    std::string dir;
    uint64_t max_bytes = 1ULL << 30;
    uint64_t segment_bytes = 16ULL << 20;
    std::chrono::milliseconds sync_interval{200};
};

/// One spooled event: its sequence number, the subject suffix it goes to and its bytes.
struct SpoolRecord {
    uint64_t sequence = 0;
    std::string topic;
    std::string body;
};

struct DiskSpoolCounters {
    uint64_t appended = 0;      ///< records accepted since open
    uint64_t dropped_full = 0;  ///< refused because the spool was full
    uint64_t acknowledged = 0;  ///< the highest acknowledged sequence
    uint64_t last_sequence = 0; ///< the highest sequence handed out
    uint64_t pending = 0;       ///< records not acknowledged yet
    uint64_t bytes = 0;         ///< on disk (and buffered)
    uint64_t torn_bytes = 0;    ///< cut off a torn or corrupt tail at open
    uint64_t segments = 0;
};

class DiskSpool {
public:
    /// Opens (creating) the directory, recovers the segments and the cursor; the read position is
    /// the first record after the cursor.
    static Result<std::unique_ptr<DiskSpool>> open(DiskSpoolOptions options);
    ~DiskSpool();
    DiskSpool(const DiskSpool&) = delete;
    DiskSpool& operator=(const DiskSpool&) = delete;

    /// Appends a record and returns its sequence number; nullopt when the spool is full (counted)
    /// or failed (the error is kept for sync()). Thread-safe.
    std::optional<uint64_t> append(std::string_view topic, std::string_view body);
    /// Up to `max` records after the read position, which moves past them; waits up to `wait` for
    /// the first one. Called by the sender only.
    std::vector<SpoolRecord> read(size_t max, std::chrono::milliseconds wait);
    /// Everything up to `sequence` reached the stream: the cursor moves (written at the next sync)
    /// and segments all below it are deleted.
    Result<void> acknowledge(uint64_t sequence);
    /// Sends again from the first unacknowledged record (after a publish window failed).
    void rewind();
    /// Writes out buffered records and the cursor and fsyncs them.
    Result<void> sync();
    /// sync() when the last one is older than the sync interval.
    Result<void> syncIfDue();
    /// Wakes a read() waiting for records (stopping).
    void interrupt();

    DiskSpoolCounters counters() const;

private:
    struct Segment;
    explicit DiskSpool(DiskSpoolOptions options);
    Result<void> recover();
    Result<void> openWriteSegment(uint64_t first_sequence);
    Result<void> writeBuffer();
    Result<void> writeCursor();
    Result<void> syncLocked();

    DiskSpoolOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable has_records_;
    std::deque<std::unique_ptr<Segment>> segments_; ///< oldest first; the last is written to
    std::string buffer_;                            ///< appended, not yet written to the last segment
    uint64_t next_sequence_ = 1;
    uint64_t acknowledged_ = 0;
    uint64_t cursor_written_ = 0;
    size_t read_segment_ = 0; ///< index into segments_
    uint64_t read_offset_ = 0;
    uint64_t read_sequence_ = 0; ///< the last record handed to the sender
    uint64_t bytes_ = 0;
    bool interrupted_ = false;
    bool dirty_ = false; ///< written since the last fsync
    std::chrono::steady_clock::time_point last_sync_;
    std::optional<Error> error_;
    DiskSpoolCounters counters_;
};

} // namespace kansoku::transport

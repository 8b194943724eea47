#pragma once

/// The access log: one line per request (time, client, method, target, status, bytes, duration)
/// appended to a file by its own thread, so the server's loop only queues a string. A full queue
/// drops the line and counts it rather than stall the loop.
///
///     2026-12-07T08:40:01.123Z 127.0.0.1 GET /api/v1/status 200 312 0.4ms

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"

namespace kansoku::web {

struct AccessRecord {
    std::string client;
    std::string method;
    std::string target;
    unsigned status = 0;
    uint64_t bytes = 0; ///< body bytes sent
    double duration_ms = 0;
};

class AccessLog {
public:
    /// Opens `path` for appending (creating its directory); a bad path fails here.
    static Result<std::unique_ptr<AccessLog>> open(const std::string& path, size_t max_queued = 65536);
    /// Writes what is queued, then closes.
    ~AccessLog();

    /// Queues one line; false if the queue was full (the line is dropped).
    bool write(const AccessRecord& record);
    /// Blocks until everything queued before the call is written and flushed (tests).
    void sync();

private:
    AccessLog() = default;
    void run();

    std::FILE* file_ = nullptr;
    size_t max_queued_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable written_;
    std::deque<std::string> queue_;
    uint64_t queued_total_ = 0;
    uint64_t written_total_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace kansoku::web

#pragma once

/// International sharing in `kansoku run` (issue 12): on its own thread with its own store connection,
/// publishes kansoku's data into every community's collection each [sharing] publish_interval, and
/// pulls each [[sharing.feeds]] entry when its poll_interval has passed since its last attempt (kept in
/// the store, so a restart neither hammers a partner nor waits a whole interval). After a pull that
/// kept objects, `partners_changed` runs with the scheduler's store (the center reloads the partner index there).
/// stop() ends a wait or an HTTP transfer in flight at once.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/sharing_config.h"

namespace kansoku::store {
class PartnerIntelStore;
class Database;
} // namespace kansoku::store

namespace kansoku::share {

class SharingScheduler {
public:
    /// Opens its own connection to `database` (a bad path fails here) and starts the thread.
    static Result<std::unique_ptr<SharingScheduler>>
    start(const SharingConfig& config, const std::string& database,
          std::function<void(store::PartnerIntelStore&)> partners_changed);
    ~SharingScheduler();
    SharingScheduler(const SharingScheduler&) = delete;
    SharingScheduler& operator=(const SharingScheduler&) = delete;

    /// Stops the thread. Idempotent.
    void stop();

private:
    SharingScheduler(const SharingConfig& config, std::unique_ptr<store::Database> store,
                     std::function<void(store::PartnerIntelStore&)> partners_changed);
    void run();
    /// One round: what is due now. Returns when the next round is due.
    Timestamp round(Timestamp now);
    bool stopping() const;

    SharingConfig config_;
    std::unique_ptr<store::Database> store_;
    std::function<void(store::PartnerIntelStore&)> partners_changed_;
    Timestamp next_publish_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace kansoku::share

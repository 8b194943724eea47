#include "share/sharing/sharing_scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/background_priority.h"
#include "share/sharing/feed_pull.h"
#include "share/sharing/stix_publisher.h"
#include "store/open_database.h"

namespace kansoku::share {
namespace {

/// A failed round is tried again after this at the soonest (a partner down, the disk full).
constexpr Timestamp kRetry = 60'000'000;

} // namespace

Result<std::unique_ptr<SharingScheduler>>
SharingScheduler::start(const SharingConfig& config, const std::string& database,
                        std::function<void(store::PartnerIntelStore&)> partners_changed) {
    auto store = store::openDatabase(database, store::OpenMode::ReadWriteCreate);
    KANSOKU_TRY(store);
    std::unique_ptr<SharingScheduler> scheduler(
        new SharingScheduler(config, std::move(*store), std::move(partners_changed)));
    scheduler->thread_ = std::thread([s = scheduler.get()] { s->run(); });
    return scheduler;
}

SharingScheduler::SharingScheduler(const SharingConfig& config, std::unique_ptr<store::Database> store,
                                   std::function<void(store::PartnerIntelStore&)> partners_changed)
    : config_(config), store_(std::move(store)), partners_changed_(std::move(partners_changed)) {}

SharingScheduler::~SharingScheduler() {
    stop();
}

void SharingScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool SharingScheduler::stopping() const {
    std::lock_guard lock(mutex_);
    return stop_;
}

void SharingScheduler::run() {
    // A publishing pass reads the store's events (every one, the first time): dashboard requests come first.
    (void)lowerToBackgroundPriority();
    while (!stopping()) {
        const Timestamp next = round(nowMicros());
        std::unique_lock lock(mutex_);
        const Timestamp wait = std::max<Timestamp>(next - nowMicros(), 1000);
        wake_.wait_for(lock, std::chrono::microseconds(wait), [this] { return stop_; });
    }
}

Timestamp SharingScheduler::round(Timestamp now) {
    Timestamp next = now + config_.publish_interval.micros();
    if (now >= next_publish_) {
        StixPublisher publisher(*store_, config_);
        bool failed = false;
        for (const auto& community : config_.communities) {
            if (stopping()) {
                return now;
            }
            auto published = publisher.publish(community, nowMicros());
            if (!published) {
                std::fprintf(stderr, "kansoku: sharing: publishing to %s: %s\n", community.c_str(),
                             published.error().message.c_str());
                failed = true;
            }
        }
        next_publish_ = failed ? now + kRetry : now + config_.publish_interval.micros();
    }
    next = std::min(next, next_publish_);
    for (const auto& feed : config_.feeds) {
        if (stopping()) {
            return now;
        }
        auto state = store_->feedState(feed.name);
        const Timestamp last = state && *state ? (*state)->last_attempt : 0;
        const Timestamp due = last + feed.poll_interval.micros();
        if (due > now) {
            next = std::min(next, due);
            continue;
        }
        auto pulled = pullFeed(feed, *store_, now, [this] { return stopping(); });
        if (!pulled) {
            std::fprintf(stderr, "kansoku: sharing: %s\n", pulled.error().message.c_str());
        } else if (pulled->kept > 0 && partners_changed_) {
            partners_changed_(*store_);
        }
        next = std::min(next, now + feed.poll_interval.micros());
    }
    return next;
}

} // namespace kansoku::share

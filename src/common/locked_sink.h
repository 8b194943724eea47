#pragma once

/// An EventSink shared by threads (the darknet capture loop and the honeypots' event loop in
/// `kansoku run`): each publish and flush holds one mutex. Uncontended, that is a few tens of
/// nanoseconds per event.

#include <mutex>

#include "common/event_sink.h"

namespace kansoku {

class LockedSink final : public EventSink {
public:
    explicit LockedSink(EventSink& inner) : inner_(inner) {}

    void publish(const Event& event) override {
        std::lock_guard lock(mutex_);
        inner_.publish(event);
    }
    Result<void> flush() override {
        std::lock_guard lock(mutex_);
        return inner_.flush();
    }

private:
    EventSink& inner_;
    std::mutex mutex_;
};

} // namespace kansoku

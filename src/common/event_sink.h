#pragma once

/// Where events go. Producers (trackers, honeypots) publish; sinks write JSON lines, store rows,
/// or forward to a bus. Publishing never throws on the packet path: a sink that fails records the
/// failure and reports it from flush().

#include <memory>
#include <vector>

#include "common/event.h"
#include "common/event_tap.h"
#include "common/result.h"

namespace kansoku {

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void publish(const Event& event) = 0;
    /// Makes everything published so far durable (or reports why it could not be).
    virtual Result<void> flush() { return {}; }
};

/// Sends each event to several sinks, in order.
class FanoutSink final : public EventSink {
public:
    void add(EventSink* sink) { sinks_.push_back(sink); }
    void publish(const Event& event) override {
        for (auto* sink : sinks_) {
            sink->publish(event);
        }
    }
    Result<void> flush() override {
        for (auto* sink : sinks_) {
            KANSOKU_TRY(sink->flush());
        }
        return {};
    }

private:
    std::vector<EventSink*> sinks_;
};

/// Keeps events in memory (tests, summaries); copies them to the schema check's tap (common/event_tap.h).
class CollectingSink final : public EventSink {
public:
    void publish(const Event& event) override {
        tapEvent(event);
        events.push_back(event);
    }
    std::vector<Event> events;
};

} // namespace kansoku

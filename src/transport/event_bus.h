#pragma once

/// The one path between event producers (darknet analyzer, honeypots, sample pipeline) and event
/// consumers (the store, the events file, the Cowrie log, and the coming correlation, sharing and
/// web server). Producers publish through an EventSink and never learn who consumes; consumers are
/// EventSinks subscribed before start(). The in-process bus is the embedded default; a NATS
/// JetStream bus will implement the same interface for sensors at many sites.

#include <cstdint>
#include <string>
#include <vector>

#include "common/event_sink.h"
#include "common/result.h"

namespace kansoku::transport {

/// What a producer's publish does when the bus is full.
enum class Overflow : uint8_t {
    /// Waits for room: offline work (a capture file) where nothing may be lost and time is free.
    Block,
    /// Drops the event and counts it: live paths (an event loop serving attackers, a live capture)
    /// that must never stall on a slow consumer.
    Drop,
};

/// One consumer's delivery record.
struct ConsumerCounters {
    std::string name;
    uint64_t delivered = 0; ///< events handed to it
    uint64_t errors = 0;    ///< exceptions it threw from publish() (the event is lost for it only)
    uint64_t flush_errors = 0;
    std::string last_error; ///< the latest exception's or flush's message
};

struct EventBusCounters {
    uint64_t published = 0; ///< accepted from producers
    uint64_t dropped = 0;   ///< refused because the bus was full (Overflow::Drop) or stopped
    uint64_t blocked = 0;   ///< publishes that had to wait for room (Overflow::Block)
    uint64_t queued = 0;    ///< waiting now
    uint64_t max_queued = 0;
    std::vector<ConsumerCounters> consumers;
};

class EventBus {
public:
    virtual ~EventBus() = default;

    /// The producers' side, safe to call from any thread. publish() copies the event.
    virtual EventSink& publisher(Overflow overflow) = 0;
    /// Adds a consumer (before start()). It is called from the bus's delivery thread only, one
    /// event at a time, in publish order; `consumer` must outlive the bus.
    virtual void subscribe(std::string name, EventSink& consumer) = 0;
    /// Starts delivering.
    virtual Result<void> start() = 0;
    /// Blocks until everything published before the call is delivered, then flushes every
    /// consumer; returns the first consumer's flush error.
    virtual Result<void> flush() = 0;
    /// Refuses new events, delivers what is queued, flushes the consumers and stops. Idempotent.
    virtual Result<void> stop() = 0;
    virtual EventBusCounters counters() const = 0;
};

} // namespace kansoku::transport

#pragma once

/// Live events for GET /api/v1/stream (server-sent events, HTML Living Standard section 9.2): the
/// hub is one consumer of the event bus and fans each event out to the connected clients. Each
/// client has a bounded queue; the bus's delivery thread only appends to it (never waits on a
/// socket), and a client whose queue is full is dropped at once (its stream closes; counted), so
/// one slow reader slows neither the others nor the bus. A client sees only the types it asked
/// for and, for an ISP tenant, only events whose address lies in its space.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/address_scope.h"
#include "common/event_sink.h"
#include "web/body_stream.h"

namespace kansoku::web {

struct StreamFilter {
    std::vector<std::string> types;            ///< exact types, or prefixes ending in '*'; empty: every type
    std::shared_ptr<const AddressScope> scope; ///< set for a tenant: only events inside it
};

/// The hub's counters (shown by /metrics).
struct StreamCounters {
    std::atomic<uint64_t> clients{0};   ///< connected now
    std::atomic<uint64_t> connected{0}; ///< since start
    std::atomic<uint64_t> sent{0};      ///< events queued to clients
    std::atomic<uint64_t> dropped{0};   ///< clients dropped for falling behind
};

class EventHub final : public EventSink {
public:
    static constexpr size_t kDefaultQueue = 1024;
    explicit EventHub(size_t max_queue = kDefaultQueue) : max_queue_(max_queue) {}

    /// From the bus's delivery thread: one frame per event, shared by every client that wants it.
    void publish(const Event& event) override;
    /// A new client's stream (the server sends it, then cancels it when the client goes).
    std::shared_ptr<BodyStream> subscribe(StreamFilter filter);
    const StreamCounters& counters() const { return counters_; }

    class Client;

private:
    void remove(const Client* client);

    size_t max_queue_;
    std::mutex mutex_;
    std::vector<std::shared_ptr<Client>> clients_;
    uint64_t sequence_ = 0; ///< the SSE id of the next event (under mutex_)
    StreamCounters counters_;
};

/// Whether `type` is selected by `patterns` (exact, or a prefix ending in '*'; none: all).
bool streamTypeMatches(const std::vector<std::string>& patterns, std::string_view type);

} // namespace kansoku::web

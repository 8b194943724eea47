#pragma once

/// Counters read off the event stream for GET /metrics (issue 13 item 3): events by type, darknet
/// packets by class and kernel drops (capture.stats), honeypot sessions and how they ended (the
/// limits hit), logins, sandbox analyses by verdict, alerts. One consumer of the bus (with the
/// stream hub); read by the workers' threads.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/event_sink.h"

namespace kansoku::web {

class EventMetrics final : public EventSink {
public:
    void publish(const Event& event) override;
    /// The families in the Prometheus text format 0.0.4, appended to `out`.
    void render(std::string& out) const;

private:
    using Counts = std::map<std::string, uint64_t, std::less<>>;
    mutable std::mutex mutex_;
    Counts events_;       ///< by type
    Counts packets_;      ///< capture.stats classes
    Counts capture_;      ///< received, dropped_kernel, dropped_decode, evicted_state, untrusted_probes
    Counts sessions_;     ///< honeypot.session by protocol
    Counts session_ends_; ///< honeypot.session by close_reason
    Counts logins_;       ///< "true" / "false"
    Counts analyses_;     ///< sandbox.report by verdict
    Counts alerts_;       ///< by kind
};

} // namespace kansoku::web

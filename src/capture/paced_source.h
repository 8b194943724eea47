#pragma once

/// A packet source that replays another in real time: each packet is handed on when as much wall
/// time has passed since the first packet as capture time has, like tcpreplay's default pacing.
/// `kansoku run` replays its demo capture this way so the dashboard's views move (docs/dashboard.md).

#include <atomic>
#include <memory>
#include <string>

#include "capture/packet_source.h"

namespace kansoku::capture {

class PacedSource : public PacketSource {
public:
    /// `clock` gives wall time in microseconds (nowMicros in production, a fake in tests); `sleep`
    /// waits up to the given microseconds (it may return early). `stop` ends a wait at once.
    using Clock = Timestamp (*)();
    using Sleep = void (*)(Timestamp micros);
    PacedSource(std::unique_ptr<PacketSource> inner, const std::atomic<bool>& stop, Clock clock, Sleep sleep);

    LinkType linkType() const override { return inner_->linkType(); }
    /// Delivers one packet per call, after waiting for its time.
    Result<DispatchStatus> dispatch(PacketHandler& handler, int max_packets) override;
    SourceStats stats() override { return inner_->stats(); }
    void stop() override { inner_->stop(); }
    uint64_t bytesRead() const override { return inner_->bytesRead(); }
    uint64_t bytesTotal() const override { return inner_->bytesTotal(); }
    const std::string& name() const override { return inner_->name(); }

private:
    class Pacer;

    std::unique_ptr<PacketSource> inner_;
    const std::atomic<bool>& stop_;
    Clock clock_;
    Sleep sleep_;
    bool started_ = false;
    Timestamp offset_ = 0; ///< wall time minus capture time, fixed by the first packet
};

} // namespace kansoku::capture

#include "capture/paced_source.h"

#include <algorithm>

namespace kansoku::capture {

/// Waits for each packet's time, then hands it to the real handler.
class PacedSource::Pacer : public PacketHandler {
public:
    Pacer(PacedSource& source, PacketHandler& handler) : source_(source), handler_(handler) {}

    void onPacket(const RawPacket& packet) override {
        if (!source_.started_) {
            source_.started_ = true;
            source_.offset_ = source_.clock_() - packet.ts;
        }
        const Timestamp due = packet.ts + source_.offset_;
        for (Timestamp now = source_.clock_(); now < due; now = source_.clock_()) {
            if (source_.stop_.load(std::memory_order_relaxed)) {
                stopped_ = true;
                return; // the packet is dropped: the run is ending
            }
            source_.sleep_(std::min<Timestamp>(due - now, 100'000)); // wake up for a stop within 0.1 s
        }
        handler_.onPacket(packet);
    }
    void onBatchEnd() override { handler_.onBatchEnd(); }
    bool stopped() const { return stopped_; }

private:
    PacedSource& source_;
    PacketHandler& handler_;
    bool stopped_ = false;
};

PacedSource::PacedSource(std::unique_ptr<PacketSource> inner, const std::atomic<bool>& stop, Clock clock, Sleep sleep)
    : inner_(std::move(inner)), stop_(stop), clock_(clock), sleep_(sleep) {}

Result<DispatchStatus> PacedSource::dispatch(PacketHandler& handler, int /*max_packets*/) {
    Pacer pacer(*this, handler);
    auto status = inner_->dispatch(pacer, 1);
    if (status && pacer.stopped()) {
        return DispatchStatus::Stopped;
    }
    return status;
}

} // namespace kansoku::capture

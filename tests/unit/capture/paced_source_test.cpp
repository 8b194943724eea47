#include <atomic>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "capture/paced_source.h"

namespace kansoku::capture {
namespace {

// A fake wall clock the fake sleep advances, so the test runs in no time and sees every wait.
Timestamp g_now = 0;
std::vector<Timestamp> g_sleeps;
std::atomic<bool>* g_stop_after_sleep = nullptr;

Timestamp fakeClock() {
    return g_now;
}
void fakeSleep(Timestamp micros) {
    g_sleeps.push_back(micros);
    g_now += micros;
    if (g_stop_after_sleep != nullptr) {
        g_stop_after_sleep->store(true);
    }
}

/// Hands out packets with the given capture times, as a file would.
class ListSource : public PacketSource {
public:
    explicit ListSource(std::vector<Timestamp> times) : times_(std::move(times)) {}
    LinkType linkType() const override { return LinkType::Ethernet; }
    Result<DispatchStatus> dispatch(PacketHandler& handler, int max_packets) override {
        if (next_ == times_.size()) {
            return DispatchStatus::End;
        }
        for (int i = 0; i < max_packets && next_ < times_.size(); ++i) {
            handler.onPacket(RawPacket{byte_, 1, 1, times_[next_++]});
        }
        handler.onBatchEnd();
        return DispatchStatus::Packets;
    }
    SourceStats stats() override { return {}; }
    void stop() override {}
    const std::string& name() const override { return name_; }

private:
    std::vector<Timestamp> times_;
    size_t next_ = 0;
    const uint8_t byte_[1] = {0};
    std::string name_ = "list";
};

struct Recorder : PacketHandler {
    void onPacket(const RawPacket& packet) override { seen.push_back({packet.ts, g_now}); }
    void onBatchEnd() override { ++batches; }
    std::vector<std::pair<Timestamp, Timestamp>> seen; // capture time, wall time when handed on
    int batches = 0;
};

class PacedSourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        g_now = 5'000'000'000;
        g_sleeps.clear();
        g_stop_after_sleep = nullptr;
    }
};

TEST_F(PacedSourceTest, HandsEachPacketOnAtItsTimeAfterTheFirst) {
    std::atomic<bool> stop{false};
    PacedSource paced(std::make_unique<ListSource>(std::vector<Timestamp>{1'000'000, 1'000'000, 1'250'000, 3'000'000}),
                      stop, &fakeClock, &fakeSleep);
    Recorder recorder;
    while (*paced.dispatch(recorder, 4096) == DispatchStatus::Packets) {
    }
    ASSERT_EQ(recorder.seen.size(), 4u);
    const Timestamp start = 5'000'000'000;
    EXPECT_EQ(recorder.seen[0].second, start);
    EXPECT_EQ(recorder.seen[1].second, start);             // same capture time: no wait
    EXPECT_EQ(recorder.seen[2].second, start + 250'000);   // 0.25 s later
    EXPECT_EQ(recorder.seen[3].second, start + 2'000'000); // 2 s after the first
    EXPECT_EQ(recorder.batches, 4);                        // one packet per dispatch, each batch ended
    for (Timestamp s : g_sleeps) {
        EXPECT_LE(s, 100'000) << "waits are cut into 0.1 s so a stop is seen soon";
    }
}

TEST_F(PacedSourceTest, AStopEndsAWaitAtOnce) {
    std::atomic<bool> stop{false};
    PacedSource paced(std::make_unique<ListSource>(std::vector<Timestamp>{0, 600'000'000}), stop, &fakeClock,
                      &fakeSleep);
    Recorder recorder;
    EXPECT_EQ(*paced.dispatch(recorder, 1), DispatchStatus::Packets);
    g_stop_after_sleep = &stop;
    EXPECT_EQ(*paced.dispatch(recorder, 1), DispatchStatus::Stopped);
    EXPECT_EQ(recorder.seen.size(), 1u);
    EXPECT_EQ(g_sleeps.size(), 1u); // one slice of waiting, not ten minutes
}

} // namespace
} // namespace kansoku::capture

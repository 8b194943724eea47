// The sample pipeline without the sandbox (static triage only: runs anywhere). Its sandbox half —
// reports stored, dropped files back into the store — needs root and is checked end to end by the
// integration test sandbox_analyze (tests/integration/sandbox_analyze.py, "pipeline").

#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "common/event_tap.h"
#include "malware/sample_store.h"
#include "sandbox/analysis/sample_pipeline.h"
#include "support/temp_dir.h"

namespace kansoku::sandbox {
namespace {

using namespace std::chrono_literals;

class SamplePipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        malware::SampleStoreOptions options;
        options.path_env = "/nonexistent-kansoku-bin";
        auto store = malware::SampleStore::open(tmp_.path() / "samples", options);
        ASSERT_TRUE(store) << store.error().message;
        store_.emplace(std::move(*store));
    }

    /// A stored sample of `size` bytes, as the honeypots would put it.
    malware::StoredSample put(uint32_t seed, size_t size = 4000) {
        std::mt19937 rng(seed);
        std::vector<uint8_t> bytes(size);
        for (auto& b : bytes) {
            b = static_cast<uint8_t>(rng() % 90 + 32);
        }
        malware::SampleSource source;
        source.kind = malware::SourceKind::ShellWrite;
        source.path = "/tmp/.x" + std::to_string(seed);
        source.sensor = "lab";
        auto stored = store_->put(bytes, source);
        EXPECT_TRUE(stored);
        return *stored;
    }

    std::unique_ptr<SamplePipeline> pipeline(size_t capacity = 64) {
        SamplePipelineOptions options;
        options.sensor = "lab";
        options.triage.workers = 2;
        options.triage.capacity = capacity;
        auto created = SamplePipeline::create(*store_, options, [this](Event event) {
            tapEvent(event); // checked against its schema after the tests
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
        });
        EXPECT_TRUE(created) << (created ? "" : created.error().message);
        return created ? std::move(*created) : nullptr;
    }

    std::vector<Event> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }

    kansoku::testing::TempDir tmp_;
    std::optional<malware::SampleStore> store_;
    std::mutex mutex_;
    std::vector<Event> events_;
};

TEST_F(SamplePipelineTest, NewSampleIsTriagedRecordedAndAnnounced) {
    auto p = pipeline();
    const auto stored = put(1);
    p->submit(PipelineSample{stored.sha256, stored.path, ".x1", "/tmp", {}, "honeypot session s", 0});
    ASSERT_TRUE(p->waitIdle(10s));
    const auto all = events();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].type, "sample");
    EXPECT_EQ(all[0].fields["sha256"], stored.sha256);
    const std::string tlsh = all[0].fields.value("tlsh", "");
    EXPECT_EQ(tlsh.size(), 72u);
    EXPECT_FALSE(all[0].fields.value("ssdeep", "").empty());
    EXPECT_TRUE(all[0].fields["yara"].is_array());
    EXPECT_TRUE(store_->hasReport(stored.sha256, "triage"));
    EXPECT_FALSE(store_->hasReport(stored.sha256, "sandbox")); // no sandbox configured
    const auto record = store_->find(stored.sha256);
    ASSERT_TRUE(record && *record);
    EXPECT_EQ((*record)->tlsh, tlsh);
    EXPECT_EQ(p->counters().triaged, 1u);
    EXPECT_EQ(p->sandbox(), nullptr);
}

TEST_F(SamplePipelineTest, ResumeTriagesOnlyWhatLacksItsDocument) {
    const auto a = put(2);
    const auto b = put(3);
    const auto c = put(4);
    {
        auto p = pipeline();
        p->submit(PipelineSample{a.sha256, a.path, "", "", {}, "test", 0});
        ASSERT_TRUE(p->waitIdle(10s));
    }
    events_.clear();
    auto p = pipeline();
    p->resume();
    for (int i = 0; i < 500 && p->counters().resumed < 2; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(p->waitIdle(10s));
    p->stop(); // joins the resumer
    EXPECT_EQ(p->counters().resumed, 2u);
    std::set<std::string> announced;
    for (const auto& e : events()) {
        announced.insert(e.fields["sha256"].get<std::string>());
    }
    EXPECT_EQ(announced, (std::set<std::string>{b.sha256, c.sha256}));
    EXPECT_TRUE(store_->hasReport(b.sha256, "triage"));
    EXPECT_TRUE(store_->hasReport(c.sha256, "triage"));
}

TEST_F(SamplePipelineTest, AFullTriageQueueStillAnnouncesTheSample) {
    auto p = pipeline(/*capacity=*/1);
    std::vector<malware::StoredSample> stored;
    for (uint32_t i = 0; i < 30; ++i) {
        stored.push_back(put(100 + i, 200000));
    }
    for (const auto& s : stored) {
        p->submit(PipelineSample{s.sha256, s.path, "", "", {}, "test", 0});
    }
    ASSERT_TRUE(p->waitIdle(30s));
    const auto counters = p->counters();
    EXPECT_EQ(counters.triaged + counters.not_triaged, stored.size());
    EXPECT_GE(counters.not_triaged, 1u) << "30 large samples into a queue of one";
    EXPECT_EQ(events().size(), stored.size()) << "every sample is announced, with or without its digests";
}

TEST(JailWorkdir, OnlyTheJailsWritableDirectories) {
    EXPECT_EQ(jailWorkdir("/tmp"), "/tmp");
    EXPECT_EQ(jailWorkdir("/tmp/x/y"), "/tmp");
    EXPECT_EQ(jailWorkdir("/var/run"), "/var/run");
    EXPECT_EQ(jailWorkdir("/tmpfoo"), "");
    EXPECT_EQ(jailWorkdir("/root"), "");
    EXPECT_EQ(jailWorkdir(""), "");
}

} // namespace
} // namespace kansoku::sandbox

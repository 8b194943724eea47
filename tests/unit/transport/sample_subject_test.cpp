#include <string>

#include <gtest/gtest.h>

#include "transport/sample_subject.h"

namespace kansoku::transport {
namespace {

const std::string kSha(64, 'a');

TEST(SampleSubject, NamesChunksAndManifestBelowTheSensor) {
    EXPECT_EQ(sampleSubject("kansoku.samples", "tokyo-1", kSha, "0"), "kansoku.samples.tokyo-1." + kSha + ".0");
    EXPECT_EQ(sampleMessageId("tokyo-1", kSha, "manifest"), "tokyo-1:" + kSha + ":manifest");
    EXPECT_EQ(sampleManifestFilter("kansoku.samples"), "kansoku.samples.*.*.manifest");
}

TEST(SampleSubject, ParsesOnlyWellFormedSubjects) {
    const auto parsed = parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1." + kSha + ".manifest");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->sensor, "tokyo-1");
    EXPECT_EQ(parsed->sha256, kSha);
    EXPECT_EQ(parsed->part, "manifest");
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samplesX.tokyo-1." + kSha + ".0"));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1." + kSha));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1." + kSha + ".0.1"));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1." + std::string(64, 'A') + ".0"));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1.abc.0"));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.*." + kSha + ".0"));
    EXPECT_FALSE(parseSampleSubject("kansoku.samples", "kansoku.samples.tokyo-1." + kSha + "."));
}

TEST(SampleSubject, CountsChunks) {
    EXPECT_EQ(sampleChunkCount(0, 100), 1U);
    EXPECT_EQ(sampleChunkCount(1, 100), 1U);
    EXPECT_EQ(sampleChunkCount(100, 100), 1U);
    EXPECT_EQ(sampleChunkCount(101, 100), 2U);
    EXPECT_EQ(sampleChunkCount(300'000, 65536), 5U);
}

} // namespace
} // namespace kansoku::transport

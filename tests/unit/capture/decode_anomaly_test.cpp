// DecodeCounters and anomaly names.

#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "capture/decode_anomaly.h"
#include "capture/packet_decoder.h"
#include "capture_test_support.h"
#include "hex_fixtures.h"

namespace kansoku::capture {
namespace {

using testing::Bytes;
using testing::concat;
using testing::fromHex;

TEST(DecodeAnomalyTest, NamesAreUniqueSnakeCase) {
    const std::regex snake_case("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
    std::set<std::string> names;
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        const std::string name(anomalyName(static_cast<DecodeAnomaly>(i)));
        EXPECT_TRUE(std::regex_match(name, snake_case)) << i << ": " << name;
        EXPECT_NE(name, "invalid") << i;
        EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
    }
    EXPECT_EQ(names.size(), kDecodeAnomalyCount);
    EXPECT_EQ(anomalyName(DecodeAnomaly::None), "none");
    EXPECT_EQ(anomalyName(DecodeAnomaly::TruncatedIpv4), "truncated_ipv4");
    EXPECT_EQ(anomalyName(DecodeAnomaly::BadIcmpQuote), "bad_icmp_quote");
    EXPECT_EQ(anomalyName(DecodeAnomaly::Count_), "invalid");
}

TEST(DecodeAnomalyTest, CountersStartAtZero) {
    const DecodeCounters counters;
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        EXPECT_EQ(counters.get(static_cast<DecodeAnomaly>(i)), 0U);
    }
    EXPECT_EQ(counters.errors(), 0U);
    EXPECT_EQ(PacketDecoder(LinkType::Ethernet).counters().errors(), 0U);
}

TEST(DecodeAnomalyTest, ErrorsExcludeNoneNotIpAndBadIcmpQuote) {
    DecodeCounters counters;
    uint64_t expected_errors = 0;
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        const auto a = static_cast<DecodeAnomaly>(i);
        const uint64_t n = i + 1; // a different count per reason
        for (uint64_t k = 0; k < n; ++k) {
            counters.add(a);
        }
        if (a != DecodeAnomaly::None && a != DecodeAnomaly::NotIp && a != DecodeAnomaly::BadIcmpQuote) {
            expected_errors += n;
        }
    }
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        EXPECT_EQ(counters.get(static_cast<DecodeAnomaly>(i)), i + 1) << anomalyName(static_cast<DecodeAnomaly>(i));
    }
    EXPECT_EQ(counters.errors(), expected_errors);

    DecodeCounters benign;
    benign.add(DecodeAnomaly::None);
    benign.add(DecodeAnomaly::NotIp);
    benign.add(DecodeAnomaly::BadIcmpQuote);
    EXPECT_EQ(benign.errors(), 0U);
    benign.add(DecodeAnomaly::Fragment);
    EXPECT_EQ(benign.errors(), 1U);
}

TEST(DecodeAnomalyTest, DecoderCountsEachReason) {
    PacketDecoder decoder(LinkType::Ethernet);
    const Bytes tcp = concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4TcpSynMss)});
    const Bytes arp = fromHex(testing::kEthArp);
    const Bytes fragment = concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4FragLater)});
    Bytes bad_quote = concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpUnreachTcp)});
    bad_quote[14 + 28] = 0x44; // quoted IHL 4
    Bytes bad_ihl = tcp;
    bad_ihl[14] = 0x43;

    DecodedPacket p;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(testing::decodeExact(decoder, tcp, p), DecodeAnomaly::None);
    }
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(testing::decodeExact(decoder, arp, p), DecodeAnomaly::NotIp);
    }
    EXPECT_EQ(testing::decodeExact(decoder, tcp, 10, p), DecodeAnomaly::TruncatedLink);
    EXPECT_EQ(testing::decodeExact(decoder, tcp, 40, p), DecodeAnomaly::TruncatedTcp);
    EXPECT_EQ(testing::decodeExact(decoder, bad_quote, p), DecodeAnomaly::BadIcmpQuote);
    EXPECT_EQ(testing::decodeExact(decoder, fragment, p), DecodeAnomaly::Fragment);
    EXPECT_EQ(testing::decodeExact(decoder, fragment, p), DecodeAnomaly::Fragment);
    EXPECT_EQ(testing::decodeExact(decoder, bad_ihl, p), DecodeAnomaly::BadIpv4HeaderLength);

    const DecodeCounters& c = decoder.counters();
    EXPECT_EQ(c.get(DecodeAnomaly::None), 3U);
    EXPECT_EQ(c.get(DecodeAnomaly::NotIp), 2U);
    EXPECT_EQ(c.get(DecodeAnomaly::TruncatedLink), 1U);
    EXPECT_EQ(c.get(DecodeAnomaly::TruncatedTcp), 1U);
    EXPECT_EQ(c.get(DecodeAnomaly::BadIcmpQuote), 1U);
    EXPECT_EQ(c.get(DecodeAnomaly::Fragment), 2U);
    EXPECT_EQ(c.get(DecodeAnomaly::BadIpv4HeaderLength), 1U);
    EXPECT_EQ(c.get(DecodeAnomaly::TruncatedIpv4), 0U);
    EXPECT_EQ(c.errors(), 1U + 1U + 2U + 1U);
    uint64_t total = 0;
    for (const uint64_t n : c.by_reason) {
        total += n;
    }
    EXPECT_EQ(total, 11U);
}

} // namespace
} // namespace kansoku::capture

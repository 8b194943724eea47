#include <gtest/gtest.h>

#include "support/test_database.h"

namespace kansoku::store {
namespace {

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
constexpr Timestamp kHour = 3'600'000'000;

IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

Prefix prefix(std::string_view text) {
    return *Prefix::parse(text);
}

InfectedHostRecord host(std::string_view address, Timestamp seen, std::optional<uint32_t> asn = std::nullopt) {
    InfectedHostRecord h;
    h.ip = ip(address);
    h.asn = asn;
    h.family = "mirai";
    h.confidence = 80;
    h.reasons = {"darknet probes carry the mirai fingerprint"};
    h.evidence = {{"darknet.scan", seen, "tokyo-1", "tcp/23"}};
    h.first_seen = seen;
    h.last_seen = seen;
    return h;
}

class IntelStoreTest : public kansoku::testing::StoreEngineTest {
protected:
    std::vector<std::string> addresses(const HostQuery& query) {
        auto hosts = store_->infectedHosts(query);
        EXPECT_TRUE(hosts) << hosts.error().message;
        std::vector<std::string> out;
        for (const auto& h : *hosts) {
            out.push_back(h.ip.toString());
        }
        return out;
    }
};

TEST_P(IntelStoreTest, UpsertWidensTimesAndKeepsTheRecordReadable) {
    ASSERT_TRUE(store_->upsertInfectedHost(host("198.51.100.7", kT0, 64500), kT0));
    auto later = host("198.51.100.7", kT0 + kHour, 64500);
    later.first_seen = kT0 + kHour;
    later.confidence = 95;
    ASSERT_TRUE(store_->upsertInfectedHost(later, kT0 + kHour));
    const auto got = store_->infectedHost(ip("198.51.100.7"));
    ASSERT_TRUE(got && got->has_value());
    const auto& h = **got;
    EXPECT_EQ(h.first_seen, kT0);
    EXPECT_EQ(h.last_seen, kT0 + kHour);
    EXPECT_EQ(h.confidence, 95);
    EXPECT_EQ(h.asn, 64500u);
    EXPECT_EQ(h.family, "mirai");
    ASSERT_EQ(h.evidence.size(), 1u);
    EXPECT_EQ(h.evidence[0].ref, "tcp/23");
    EXPECT_EQ(h.reasons, later.reasons);
    EXPECT_EQ(h.state, HostState::New);
    EXPECT_FALSE(store_->infectedHost(ip("198.51.100.8"))->has_value());
}

TEST_P(IntelStoreTest, ReasonsRoundTripWhateverTheyHoldAndAWalkCanStopEarly) {
    auto h = host("192.0.2.1", kT0);
    h.reasons = {"plain", "a \"quoted\" \\ path", "tab\there", "\u6771\u4eac", ""};
    ASSERT_TRUE(store_->upsertInfectedHost(h, kT0));
    ASSERT_TRUE(store_->upsertInfectedHost(host("192.0.2.2", kT0), kT0));
    const auto read = store_->infectedHost(h.ip);
    ASSERT_TRUE(read && *read);
    EXPECT_EQ((*read)->reasons, h.reasons);
    HostQuery all;
    all.evidence = false;
    std::vector<std::string> seen;
    ASSERT_TRUE(store_->forEachInfectedHost(all, [&](const InfectedHostRecord& r) {
        seen.push_back(r.ip.toString());
        EXPECT_TRUE(r.evidence.empty());
        return false;
    }));
    EXPECT_EQ(seen, std::vector<std::string>{"192.0.2.1"});
}

TEST_P(IntelStoreTest, ScopeSelectsByPrefixOrAsnAndPagesByAddress) {
    for (const auto* a : {"198.51.100.7", "198.51.100.200", "192.0.2.5", "2001:db8::1", "203.0.113.9"}) {
        ASSERT_TRUE(
            store_->upsertInfectedHost(host(a, kT0, std::string_view(a) == "203.0.113.9" ? 64501 : 64500), kT0));
    }
    HostQuery query;
    query.scope = AddressScope{{prefix("198.51.100.0/25"), prefix("2001:db8::/32")}, {}};
    EXPECT_EQ(addresses(query), (std::vector<std::string>{"198.51.100.7", "2001:db8::1"}));
    query.scope = AddressScope{{}, {64501}};
    EXPECT_EQ(addresses(query), (std::vector<std::string>{"203.0.113.9"}));
    query.scope = AddressScope{};
    EXPECT_TRUE(addresses(query).empty()) << "an empty scope owns nothing";

    HostQuery page;
    page.limit = 2;
    EXPECT_EQ(addresses(page), (std::vector<std::string>{"192.0.2.5", "198.51.100.7"}));
    page.after = ip("198.51.100.7");
    EXPECT_EQ(addresses(page), (std::vector<std::string>{"198.51.100.200", "203.0.113.9"}));
    page.after = ip("203.0.113.9");
    EXPECT_EQ(addresses(page), (std::vector<std::string>{"2001:db8::1"}));
}

TEST_P(IntelStoreTest, FeedbackMovesStateAndASightingAfterRemediationIsReinfection) {
    ASSERT_TRUE(store_->upsertInfectedHost(host("198.51.100.7", kT0), kT0));
    ASSERT_TRUE(store_->recordFeedback({"isp-a", ip("198.51.100.7"), HostState::Notified, kT0 + kHour, ""}));
    ASSERT_TRUE(store_->recordFeedback({"isp-a", ip("198.51.100.7"), HostState::Remediated, kT0 + 2 * kHour, "ok"}));
    auto h = **store_->infectedHost(ip("198.51.100.7"));
    EXPECT_EQ(h.state, HostState::Remediated);
    EXPECT_EQ(h.notified_at, kT0 + kHour);
    EXPECT_EQ(h.remediated_at, kT0 + 2 * kHour);

    // Seen again, but by evidence from before the remediation: still remediated.
    ASSERT_TRUE(store_->upsertInfectedHost(host("198.51.100.7", kT0 + kHour), kT0 + 3 * kHour));
    EXPECT_EQ((**store_->infectedHost(ip("198.51.100.7"))).state, HostState::Remediated);
    ASSERT_TRUE(store_->upsertInfectedHost(host("198.51.100.7", kT0 + 4 * kHour), kT0 + 4 * kHour));
    h = **store_->infectedHost(ip("198.51.100.7"));
    EXPECT_EQ(h.state, HostState::Reinfected);
    EXPECT_EQ(h.reinfections, 1);
    EXPECT_EQ(h.state_changed, kT0 + 4 * kHour);

    const auto statements = store_->feedback(std::string("isp-a"));
    ASSERT_TRUE(statements);
    ASSERT_EQ(statements->size(), 2u);
    EXPECT_EQ((*statements)[1].note, "ok");
    EXPECT_TRUE(store_->feedback(std::string("isp-b"))->empty());
    EXPECT_FALSE(store_->recordFeedback({"isp-a", ip("198.51.100.9"), HostState::Notified, kT0, ""}));
}

TEST_P(IntelStoreTest, NoticeTokensExpire) {
    ASSERT_TRUE(store_->upsertInfectedHost(host("198.51.100.7", kT0), kT0));
    ASSERT_TRUE(store_->setNoticeToken(ip("198.51.100.7"), "tok", kT0 + kHour));
    EXPECT_EQ((**store_->hostByNoticeToken("tok", kT0)).ip.toString(), "198.51.100.7");
    EXPECT_FALSE(store_->hostByNoticeToken("tok", kT0 + kHour)->has_value());
    EXPECT_FALSE(store_->hostByNoticeToken("other", kT0)->has_value());
    EXPECT_FALSE(store_->hostByNoticeToken("", kT0)->has_value());
    EXPECT_FALSE(store_->setNoticeToken(ip("198.51.100.9"), "x", kT0));
}

TEST_P(IntelStoreTest, C2RecordsMergeSamples) {
    ASSERT_TRUE(store_->upsertC2({"ip", "192.0.2.10", 23, "mirai", {"bb"}, {}, kT0, kT0}));
    ASSERT_TRUE(store_->upsertC2({"ip", "192.0.2.10", 23, "unknown", {"aa", "bb"}, {}, kT0 - kHour, kT0 + kHour}));
    ASSERT_TRUE(store_->upsertC2({"domain", "cnc.example", 0, "gafgyt", {"cc"}, {}, kT0, kT0}));
    const auto all = store_->c2Records(std::nullopt);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].indicator, "cnc.example");
    EXPECT_EQ((*all)[1].family, "mirai");
    EXPECT_EQ((*all)[1].samples, (std::vector<std::string>{"aa", "bb"}));
    EXPECT_EQ((*all)[1].first_seen, kT0 - kHour);
    EXPECT_EQ((*all)[1].last_seen, kT0 + kHour);
    EXPECT_EQ(store_->c2Records(kT0 + 1)->size(), 1u);
}

TEST_P(IntelStoreTest, IspsAreStoredWithTheirSpaceAndFoundByKeyHash) {
    IspRecord a{"isp-a", "hash-a", "abuse@a.example", "ja", {{prefix("198.51.100.0/25")}, {64500}}, kT0, kT0};
    ASSERT_TRUE(store_->addIsp(a));
    IspRecord b{"isp-b", "hash-b", "abuse@b.example", "en", {{prefix("198.51.100.128/25")}, {}}, kT0, kT0};
    ASSERT_TRUE(store_->addIsp(b));
    const auto again = store_->addIsp(a);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("exists"), std::string::npos);
    IspRecord same_key{"isp-c", "hash-a", "x@c.example", "en", {}, kT0, kT0};
    EXPECT_FALSE(store_->addIsp(same_key));
    EXPECT_FALSE(store_->isp("isp-c")->has_value()) << "a failed add leaves nothing behind";

    const auto found = store_->ispByKeyHash("hash-a");
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((**found).name, "isp-a");
    EXPECT_EQ((**found).lang, "ja");
    ASSERT_EQ((**found).scope.prefixes.size(), 1u);
    EXPECT_EQ((**found).scope.prefixes[0].toString(), "198.51.100.0/25");
    EXPECT_EQ((**found).scope.asns, (std::vector<uint32_t>{64500}));
    EXPECT_EQ(store_->isps()->size(), 2u);

    ASSERT_TRUE(*store_->setIspKeyHash("isp-a", "hash-a2", kT0 + kHour));
    EXPECT_FALSE(store_->ispByKeyHash("hash-a")->has_value());
    EXPECT_EQ((**store_->isp("isp-a")).key_rotated, kT0 + kHour);
    EXPECT_FALSE(*store_->setIspKeyHash("nobody", "h", kT0));

    EXPECT_TRUE(*store_->removeIsp("isp-a"));
    EXPECT_FALSE(*store_->removeIsp("isp-a"));
    EXPECT_EQ(store_->isps()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, IntelStoreTest, kansoku::testing::kStoreEngines, kansoku::testing::engineName);

} // namespace
} // namespace kansoku::store

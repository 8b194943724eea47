#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/isp/remediation.h"

namespace kansoku::share::isp {
namespace {

constexpr Timestamp kS = kMicrosPerSecond;

store::InfectedHostRecord host(std::string family, Timestamp first_seen, std::optional<Timestamp> notified,
                               std::optional<Timestamp> remediated, store::HostState state = store::HostState::New) {
    store::InfectedHostRecord h;
    h.family = std::move(family);
    h.first_seen = first_seen;
    h.notified_at = notified;
    h.remediated_at = remediated;
    h.state = state;
    return h;
}

TEST(RemediationTest, CountsAndNearestRankPercentiles) {
    std::vector<store::InfectedHostRecord> hosts;
    // Ten mirai hosts notified 1..10 hours after first seen, cleaned 1..10 days after notice.
    for (int i = 1; i <= 10; ++i) {
        hosts.push_back(host("mirai", 0, i * 3600 * kS, i * 3600 * kS + i * 86400 * kS, store::HostState::Remediated));
    }
    hosts.push_back(host("gafgyt", 100 * kS, std::nullopt, std::nullopt, store::HostState::Disputed));
    hosts.push_back(host("gafgyt", 100 * kS, std::nullopt, std::nullopt, store::HostState::FalsePositive));
    auto reinfected = host("gafgyt", 0, 50 * kS, 20 * kS, store::HostState::Reinfected); // cleaned "before" notice
    reinfected.reinfections = 2;
    hosts.push_back(reinfected);

    const auto r = remediationOf("isp-a", hosts);
    EXPECT_EQ(r.total.hosts, 13);
    EXPECT_EQ(r.total.notified, 11);
    EXPECT_EQ(r.total.remediated, 11);
    EXPECT_EQ(r.total.disputed, 1);
    EXPECT_EQ(r.total.false_positive, 1);
    EXPECT_EQ(r.total.reinfected, 1);
    ASSERT_EQ(r.families.size(), 2u);
    EXPECT_EQ(r.families[0].family, "gafgyt");
    const auto& mirai = r.families[1].figures;
    EXPECT_EQ(mirai.time_to_notify.count, 10);
    EXPECT_DOUBLE_EQ(*mirai.time_to_notify.median_s, 5 * 3600.0); // rank ceil(0.5 * 10) = 5
    EXPECT_DOUBLE_EQ(*mirai.time_to_notify.p90_s, 9 * 3600.0);    // rank ceil(0.9 * 10) = 9
    EXPECT_DOUBLE_EQ(*mirai.time_to_clean.median_s, 5 * 86400.0);
    const auto& gafgyt = r.families[0].figures;
    EXPECT_DOUBLE_EQ(*gafgyt.time_to_clean.median_s, 0.0); // never negative
    EXPECT_EQ(gafgyt.time_to_notify.count, 1);

    const auto json = remediationJson({r});
    EXPECT_EQ(json.at("isps").at(0).at("total").at("hosts"), 13);
    EXPECT_TRUE(json.at("isps").at(0).at("families").at(0).at("time_to_notify").at("p90_s").is_number());
    const auto table = remediationTable({r});
    EXPECT_NE(table.find("isp-a"), std::string::npos);
    EXPECT_NE(table.find("5h 0m"), std::string::npos);
}

TEST(RemediationTest, NothingToMeasureIsNull) {
    const auto r = remediationOf("empty", {});
    EXPECT_EQ(r.total.hosts, 0);
    EXPECT_FALSE(r.total.time_to_clean.median_s);
    const auto json = remediationJson({r});
    EXPECT_TRUE(json.at("isps").at(0).at("total").at("time_to_clean").at("median_s").is_null());
    EXPECT_NE(remediationTable({r}).find(" - "), std::string::npos);
}

} // namespace
} // namespace kansoku::share::isp

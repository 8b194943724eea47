// Partners' indicators in correlation (intel/partner_intel.h, Correlator::setPartnerIntel): what they name is
// labelled (hosts, C2 records) and counted as sightings, per indicator and kind of observation; a new index
// swapped in after a pull is used from the next takeUpdates().

#include <map>

#include <gtest/gtest.h>

#include "intel/correlator.h"
#include "intel/partner_intel.h"
#include "support/correlation_events.h"

namespace kansoku::intel {
namespace {

using namespace kansoku::testing;

constexpr Timestamp kT0 = 1'714'564'800'000'000;

store::PartnerIndicatorRecord value(std::string id, std::string kind, std::string v, std::string tlp = "green") {
    return {"jpcert", std::move(id), std::move(kind), std::move(v), "C2 list", std::move(tlp), 0, 0, 1};
}

TEST(PartnerIndex, MatchesAddressesNetworksDomainsAndHashes) {
    const std::string sha(64, 'a');
    PartnerIndex index({value("indicator--1", "ipv4", "198.51.100.7"),
                        value("indicator--2", "ipv4-net", "198.51.100.0/24"),
                        value("indicator--3", "domain", "cnc.example.org"), value("indicator--4", "sha256", sha),
                        value("indicator--5", "ipv4-net", "not a net")});
    PartnerIndex::Matches m;
    index.matchAddress(*IpAddress::parse("198.51.100.7"), m);
    EXPECT_EQ(m.size(), 2U);
    m.clear();
    index.matchAddress(*IpAddress::parse("198.51.100.8"), m);
    ASSERT_EQ(m.size(), 1U);
    EXPECT_EQ(m[0]->indicator_id, "indicator--2");
    m.clear();
    index.matchAddress(*IpAddress::parse("192.0.2.1"), m);
    index.matchAddress(*IpAddress::parse("2001:db8::1"), m);
    index.matchDomain("other.example.org", m);
    EXPECT_TRUE(m.empty());
    index.matchDomain("cnc.example.org", m);
    index.matchSha256(sha, m);
    EXPECT_EQ(m.size(), 2U);
}

class PartnerCorrelationTest : public ::testing::Test {
protected:
    void SetUp() override {
        partners_.replace(std::make_shared<const PartnerIndex>(
            std::vector<store::PartnerIndicatorRecord>{value("indicator--a", "ipv4", "198.51.100.7"),
                                                       value("indicator--b", "ipv4-net", "198.51.100.0/24", "amber"),
                                                       value("indicator--c", "domain", "cnc.example.org")}));
        correlator_.setPartnerIntel(&partners_);
    }
    CorrelationConfig config_;
    PartnerIntel partners_;
    Correlator correlator_{config_};
};

TEST_F(PartnerCorrelationTest, AScanSourceIsLabelledAndEachIndicatorSightedOnce) {
    correlator_.observe(scanEvent("198.51.100.7", "mirai", {23}, kT0));
    correlator_.observe(scanEvent("198.51.100.7", "mirai", {23}, kT0 + 10));
    correlator_.observe(scanEvent("192.0.2.9", "mirai", {23}, kT0)); // named by no partner
    const auto updates = correlator_.takeUpdates();
    ASSERT_EQ(updates.sightings.size(), 2U); // indicator--a and the /24 of indicator--b
    for (const auto& s : updates.sightings) {
        EXPECT_EQ(s.observed_as, "darknet.scan");
        EXPECT_EQ(s.count, 2);
        EXPECT_EQ(s.last_seen, kT0 + 10);
        EXPECT_EQ(s.tlp, s.indicator_id == "indicator--b" ? "amber" : "green");
    }
    bool labelled = false;
    for (const auto& h : updates.hosts) {
        if (h.ip == *IpAddress::parse("198.51.100.7")) {
            ASSERT_EQ(h.partner_intel.size(), 2U);
            EXPECT_EQ(h.partner_intel[0].feed, "jpcert");
            labelled = true;
        } else {
            EXPECT_TRUE(h.partner_intel.empty());
        }
    }
    EXPECT_TRUE(labelled);
    EXPECT_TRUE(correlator_.takeUpdates().sightings.empty()); // counts are handed out once
}

TEST_F(PartnerCorrelationTest, SpoofedScansAreNoSighting) {
    Event e = scanEvent("198.51.100.7", "mirai", {23}, kT0);
    e.fields["spoofed"] = true;
    correlator_.observe(e);
    EXPECT_TRUE(correlator_.takeUpdates().sightings.empty());
}

TEST_F(PartnerCorrelationTest, SandboxC2AndHoneypotClientsAreSightedAndC2Labelled) {
    const std::string sha = std::string(63, 'a') + "1";
    correlator_.observe(sandboxEvent(sha, {{{"198.51.100.7", 23}}, {{"cnc.example.org", "10.0.2.3"}}, "", {}}, kT0));
    correlator_.observe(loginEvent("s1", "198.51.100.99", false, kT0));
    const auto updates = correlator_.takeUpdates();
    std::map<std::string, int64_t> kinds;
    for (const auto& s : updates.sightings) {
        kinds[s.indicator_id + " " + s.observed_as] += s.count;
    }
    EXPECT_EQ(kinds["indicator--a sandbox.c2"], 1);
    EXPECT_EQ(kinds["indicator--b sandbox.c2"], 1);
    EXPECT_EQ(kinds["indicator--c sandbox.c2"], 1);
    EXPECT_EQ(kinds["indicator--b honeypot"], 1);
    ASSERT_FALSE(updates.c2.empty());
    for (const auto& c2 : updates.c2) {
        EXPECT_FALSE(c2.partner_intel.empty()) << c2.indicator;
    }
}

TEST_F(PartnerCorrelationTest, ANewIndexIsTakenAtTheNextUpdate) {
    partners_.replace(std::make_shared<const PartnerIndex>());
    correlator_.observe(scanEvent("198.51.100.7", "mirai", {23}, kT0)); // the old index is still in use
    EXPECT_EQ(correlator_.takeUpdates().sightings.size(), 2U);
    correlator_.observe(scanEvent("198.51.100.7", "mirai", {23}, kT0 + 1));
    EXPECT_TRUE(correlator_.takeUpdates().sightings.empty());
}

} // namespace
} // namespace kansoku::intel

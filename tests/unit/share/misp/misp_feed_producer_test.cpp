#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "misp_test_store.h"
#include "share/misp/misp_feed_producer.h"
#include "share/misp/misp_tag.h"

namespace kansoku::share::misp {
namespace {

using namespace testing;
using stix::Tlp;

class MispFeedProducerTest : public MispStoreTest {
protected:
    std::vector<MispEvent> produce(MispScope scope, stix::StixConfig config = {}) {
        MispFeedProducer producer(*store_, std::move(config));
        auto events = producer.produce(scope);
        EXPECT_TRUE(events) << events.error().message;
        counts_ = producer.counts();
        org_ = producer.org();
        return events ? std::move(*events) : std::vector<MispEvent>{};
    }
    static const MispEvent* withInfo(const std::vector<MispEvent>& events, std::string_view words) {
        for (const MispEvent& e : events) {
            if (e.info.find(words) != std::string::npos) {
                return &e;
            }
        }
        return nullptr;
    }
    static const MispAttribute* attribute(const MispEvent& event, std::string_view type, std::string_view value) {
        for (const MispAttribute& a : event.attributes) {
            if (a.type == type && a.value == value) {
                return &a;
            }
        }
        return nullptr;
    }
    std::string allText(const std::vector<MispEvent>& events) const {
        std::string text;
        for (const MispEvent& e : events) {
            text += mispEventJson(e, org_) + mispManifestEntry(e, org_).dump();
            appendMispHashLines(text, e);
        }
        return text;
    }

    MispCounts counts_;
    MispOrg org_;
};

TEST_F(MispFeedProducerTest, OneEventPerFamilyWithSamplesC2AndGalaxy) {
    const auto events = produce({});
    const MispEvent* mirai = withInfo(events, "malware family mirai");
    ASSERT_NE(mirai, nullptr);
    // uuid5(uuid5(uuid5(NAMESPACE_URL, "urn:kansoku:stix-2.1:object-ids"), "producer|kansoku"),
    // "misp-event|family|mirai"), computed with Python's uuid module.
    EXPECT_EQ(mirai->uuid, "ec75e6e7-9b2c-5a23-9bed-5d4ae6e46138");
    EXPECT_EQ(mirai->tlp, Tlp::Green);
    EXPECT_EQ(mirai->tags, std::vector<std::string>{"misp-galaxy:malpedia=\"Mirai\""});
    EXPECT_EQ(mispDate(mirai->date), formatRfc3339(kT0 - kDay).substr(0, 10));
    const MispAttribute* port23 = attribute(*mirai, "ip-dst|port", "203.0.113.66|23");
    ASSERT_NE(port23, nullptr);
    EXPECT_EQ(port23->uuid, "592e2952-c161-537e-95b1-ce2ac65a6287");
    EXPECT_TRUE(port23->to_ids);
    EXPECT_EQ(port23->category, "Network activity");
    EXPECT_NE(attribute(*mirai, "ip-dst|port", "203.0.113.66|48101"), nullptr);
    EXPECT_NE(attribute(*mirai, "domain", "cnc.example.test"), nullptr);
    const MispAttribute* sha = attribute(*mirai, "sha256", kShaA);
    ASSERT_NE(sha, nullptr);
    EXPECT_EQ(sha->category, "Payload delivery");
    EXPECT_TRUE(sha->to_ids);
    EXPECT_NE(attribute(*mirai, "md5", std::string(32, 'c')), nullptr);
    EXPECT_NE(attribute(*mirai, "sha1", std::string(40, 'd')), nullptr);
    EXPECT_EQ(mirai->timestampSeconds(), kT0 / kMicrosPerSecond);
    // Orgc is the STIX producer identity's uuid (identity--3ba76241-... for "kansoku").
    EXPECT_EQ(org_.uuid, "3ba76241-5641-448f-a7ed-bbd4b66ea007");
    EXPECT_EQ(org_.name, "kansoku");
}

TEST_F(MispFeedProducerTest, WhatHasNoFamilyGoesToTheDayItWasFirstSeen) {
    const auto events = produce({});
    const MispEvent* day = withInfo(events, "no known family, first seen " + formatRfc3339(kT0).substr(0, 10));
    ASSERT_NE(day, nullptr);
    EXPECT_NE(attribute(*day, "sha256", kShaB), nullptr);
    const MispEvent* c2_day =
        withInfo(events, "no known family, first seen " + formatRfc3339(kT0 - kDay).substr(0, 10));
    ASSERT_NE(c2_day, nullptr);
    EXPECT_NE(attribute(*c2_day, "ip-dst|port", "2001:db8:c2::66|443"), nullptr);
}

TEST_F(MispFeedProducerTest, OutbreakAlertIsAnEventOfItsOwn) {
    const auto events = produce({});
    const MispEvent* outbreak = withInfo(events, "darknet outbreak on tcp/37215 (high)");
    ASSERT_NE(outbreak, nullptr);
    EXPECT_EQ(outbreak->threat_level, ThreatLevel::High);
    EXPECT_EQ(outbreak->analysis, Analysis::Completed);
    const MispAttribute* port = attribute(*outbreak, "port", "37215");
    ASSERT_NE(port, nullptr);
    EXPECT_FALSE(port->to_ids);
    EXPECT_EQ(outbreak->timestampSeconds(), (kT0 + 10) / kMicrosPerSecond);
}

TEST_F(MispFeedProducerTest, PrivateC2AndSubscribersNeverLeaveByDefault) {
    const auto events = produce({});
    const std::string text = allText(events);
    EXPECT_EQ(text.find("10.0.0.5"), std::string::npos);
    for (const char* host : kHosts) {
        EXPECT_EQ(text.find(host), std::string::npos) << host;
    }
    EXPECT_EQ(counts_.c2_refused, 1u);
    EXPECT_EQ(counts_.hosts_withheld, 3u);
    EXPECT_EQ(withInfo(events, "infected hosts"), nullptr);
}

TEST_F(MispFeedProducerTest, PseudonymsAndAggregatesOnlyAmberAndNeverForIds) {
    MispScope scope;
    scope.ceiling = Tlp::Amber;
    scope.subscribers = stix::SubscriberPolicy::Pseudonymise;
    scope.pseudonym_key = kKey;
    auto events = produce(scope);
    const MispEvent* hosts = withInfo(events, "infected hosts");
    ASSERT_NE(hosts, nullptr);
    EXPECT_EQ(hosts->tlp, Tlp::Amber);
    EXPECT_EQ(hosts->attributes.size(), 3u);
    for (const MispAttribute& a : hosts->attributes) {
        EXPECT_EQ(a.type, "ip-src");
        EXPECT_FALSE(a.to_ids);
    }
    std::string text = allText(events);
    for (const char* host : kHosts) {
        EXPECT_EQ(text.find(std::string("\"") + host), std::string::npos) << host;
    }

    scope.subscribers = stix::SubscriberPolicy::Aggregate24;
    events = produce(scope);
    hosts = withInfo(events, "infected hosts");
    ASSERT_NE(hosts, nullptr);
    std::set<std::string> values;
    for (const MispAttribute& a : hosts->attributes) {
        values.insert(a.value);
    }
    EXPECT_EQ(values, (std::set<std::string>{"198.51.100.0/24", "192.0.2.0/24"}));
    text = allText(events);
    for (const char* host : kHosts) {
        EXPECT_EQ(text.find(std::string(host) + "\""), std::string::npos) << host;
    }

    scope.ceiling = Tlp::Green; // the hosts' amber is above it
    events = produce(scope);
    EXPECT_EQ(withInfo(events, "infected hosts"), nullptr);
    EXPECT_EQ(counts_.above_ceiling, 1u);
}

TEST_F(MispFeedProducerTest, CeilingAndAmberStrictStayInTheirCommunity) {
    EXPECT_TRUE(produce({.ceiling = Tlp::Clear}).empty());
    stix::StixConfig config;
    config.tlp_statistics = "amber+strict";
    MispScope scope;
    scope.ceiling = Tlp::AmberStrict;
    auto events = produce(scope, config);
    EXPECT_EQ(withInfo(events, "darknet outbreak"), nullptr) << "amber+strict without a community";
    scope.community = "apcert";
    events = produce(scope, config);
    const MispEvent* outbreak = withInfo(events, "darknet outbreak");
    ASSERT_NE(outbreak, nullptr);
    EXPECT_EQ(outbreak->tlp, Tlp::AmberStrict);
    for (const MispEvent& e : events) {
        EXPECT_TRUE(stix::tlpAllows(scope.ceiling, e.tlp));
    }
}

TEST_F(MispFeedProducerTest, SameDataSameEventsNewerDataNewerTimestampOfThatEventOnly) {
    const auto first = produce({});
    const auto second = produce({});
    ASSERT_EQ(first.size(), second.size());
    for (size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(mispEventJson(first[i], org_), mispEventJson(second[i], org_));
    }
    addC2(*store_, "ip", "203.0.113.66", 23, "mirai", {kShaA}, kT0 + kDay);
    const auto third = produce({});
    ASSERT_EQ(first.size(), third.size());
    for (size_t i = 0; i < first.size(); ++i) {
        ASSERT_EQ(first[i].uuid, third[i].uuid);
        if (first[i].info.find("family mirai") != std::string::npos) {
            EXPECT_EQ(third[i].timestampSeconds(), (kT0 + kDay) / kMicrosPerSecond);
        } else {
            EXPECT_EQ(mispEventJson(first[i], org_), mispEventJson(third[i], org_));
        }
    }
}

TEST_F(MispFeedProducerTest, HashesCsvHasOneMd5PerValuePartAndTheEventUuid) {
    MispEvent e;
    e.uuid = "ec75e6e7-9b2c-5a23-9bed-5d4ae6e46138";
    e.attributes.push_back({"", "ip-dst|port", "Network activity", "203.0.113.66|23", true, "", 0});
    e.attributes.push_back({"", "domain", "Network activity", "cnc.example.test", true, "", 0});
    std::string lines;
    appendMispHashLines(lines, e);
    // md5 computed with Python's hashlib.
    EXPECT_EQ(lines.substr(0, 2 * 70), "172426b79fdf1f30e722797323b417f9,ec75e6e7-9b2c-5a23-9bed-5d4ae6e46138\n"
                                       "37693cfc748049e45d87b8c7d8b9aacd,ec75e6e7-9b2c-5a23-9bed-5d4ae6e46138\n");
    EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 3);
}

} // namespace
} // namespace kansoku::share::misp

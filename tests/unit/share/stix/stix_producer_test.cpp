#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/stix/stix_id.h"
#include "share/stix/stix_object_builder.h"
#include "share/stix/stix_producer.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::share::stix {
namespace {

constexpr Timestamp kDay = 86'400'000'000;
constexpr Timestamp kT0 = 1'796'000'000'000'000; // 2026-11-30T00:53:20Z
const std::string kShaA(64, 'a');
const std::string kShaB(64, 'b');
const std::string kKey = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";
const char* const kHosts[] = {"198.51.100.7", "198.51.100.8", "192.0.2.9"};

struct Produced {
    std::vector<StixObject> objects;
    std::vector<nlohmann::json> parsed;
    ProduceCounts counts;

    std::vector<nlohmann::json> ofType(std::string_view type) const {
        std::vector<nlohmann::json> out;
        for (const auto& o : parsed) {
            if (o["type"] == type) {
                out.push_back(o);
            }
        }
        return out;
    }
    const nlohmann::json* byId(const std::string& id) const {
        for (const auto& o : parsed) {
            if (o["id"] == id) {
                return &o;
            }
        }
        return nullptr;
    }
    bool mentions(std::string_view text) const {
        for (const auto& o : objects) {
            if (o.json.find(text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }
};

class StixProducerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        ASSERT_TRUE(store_->begin());
        event("sample", kT0,
              {{"sha256", kShaA},
               {"md5", std::string(32, 'c')},
               {"sha1", std::string(40, 'd')},
               {"size", 4096},
               {"file_type", "ELF 32-bit LSB executable, ARM"},
               {"first_seen", formatRfc3339(kT0 - kDay)},
               {"last_seen", formatRfc3339(kT0)},
               {"count", 3}});
        event("sample", kT0,
              {{"sha256", kShaB},
               {"md5", std::string(32, 'e')},
               {"size", 100},
               {"first_seen", formatRfc3339(kT0)},
               {"last_seen", formatRfc3339(kT0)},
               {"count", 1}});
        event(
            "sandbox.report", kT0 + 1,
            {{"sha256", kShaA},
             {"signatures",
              {{{"id", "network_scan"}, {"mitre", {"T1046"}}}, {{"id", "self_deletion"}, {"mitre", {"T1070.004"}}}}}});
        event("sandbox.report", kT0 + 2,
              {{"sha256", kShaB}, {"signatures", {{{"id", "c2"}, {"mitre", {"T1071", "not-an-id"}}}}}});
        event("darknet.scan", kT0, {{"src", "198.51.100.7"}});
        event("darknet.scan", kT0 + 5, {{"src", "198.51.100.7"}});
        event("honeypot.session", kT0 + 6, {{"src", "198.51.100.8"}});
        for (int minute = 0; minute < 3; ++minute) {
            const Timestamp ts = kT0 - kT0 % kDay + minute * 60'000'000;
            event("darknet.port_stats", ts,
                  {{"proto", "tcp"},
                   {"port", 23},
                   {"minute", formatRfc3339(ts)},
                   {"packets", 100 + minute},
                   {"sources", 10}});
        }
        event("alert", kT0 + 10,
              {{"kind", "darknet.outbreak"},
               {"severity", "high"},
               {"subject", "tcp/37215"},
               {"details",
                {{"proto", "tcp"},
                 {"port", 37215},
                 {"interval_start", formatRfc3339(kT0 - 600'000'000)},
                 {"interval_end", formatRfc3339(kT0)},
                 {"packets", 5000},
                 {"source_minutes", 400},
                 {"rule", "jump"},
                 {"baseline_mean", 1.5},
                 {"ratio", 26.7}}}});
        ASSERT_TRUE(store_->commit());

        c2("ip", "203.0.113.66", 23, "mirai", {kShaA});
        c2("ip", "203.0.113.66", 48101, "mirai", {kShaA});
        c2("domain", "cnc.example.test", 0, "mirai", {kShaA});
        c2("ip", "2001:db8:c2::66", 443, "unknown", {kShaB});
        c2("ip", "10.0.0.5", 23, "mirai", {kShaA}); // private: never shared
        for (const char* address : kHosts) {
            store::InfectedHostRecord host;
            host.ip = *IpAddress::parse(address);
            host.family = std::string_view(address) == "192.0.2.9" ? "unknown" : "mirai";
            host.first_seen = kT0 - kDay;
            host.last_seen = kT0;
            ASSERT_TRUE(store_->upsertInfectedHost(host, kT0));
        }
    }

    void event(std::string type, Timestamp ts, nlohmann::ordered_json fields) {
        Event e;
        e.type = std::move(type);
        e.ts = ts;
        e.sensor = "test";
        e.fields = std::move(fields);
        ASSERT_TRUE(store_->append(e));
    }
    void c2(std::string kind, std::string indicator, uint16_t port, std::string family,
            std::vector<std::string> samples) {
        store::C2Record record;
        record.kind = std::move(kind);
        record.indicator = std::move(indicator);
        record.port = port;
        record.family = std::move(family);
        record.samples = std::move(samples);
        record.first_seen = kT0 - kDay;
        record.last_seen = kT0;
        ASSERT_TRUE(store_->upsertC2(record));
    }

    Produced produce(ProduceScope scope) {
        StixProducer producer(*store_, ProducerIdentity{});
        Produced out;
        auto done = producer.produce(scope, [&out](StixObject&& object) -> Result<void> {
            out.parsed.push_back(nlohmann::json::parse(object.json));
            out.objects.push_back(std::move(object));
            return {};
        });
        EXPECT_TRUE(done) << done.error().message;
        out.counts = producer.counts();
        return out;
    }

    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(StixProducerTest, MarkingsAndIdentityFirstEachObjectOnceOneTlpEach) {
    const Produced p = produce({});
    ASSERT_GT(p.objects.size(), 6u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(p.objects[i].type, "marking-definition");
    }
    EXPECT_EQ(p.objects[5].type, "identity");
    std::set<std::string> ids;
    for (size_t i = 0; i < p.objects.size(); ++i) {
        const StixObject& o = p.objects[i];
        EXPECT_TRUE(ids.insert(o.id).second) << "twice: " << o.id;
        EXPECT_EQ(p.parsed[i]["id"], o.id);
        EXPECT_EQ(p.parsed[i]["type"], o.type);
        EXPECT_EQ(p.parsed[i]["spec_version"], "2.1");
        EXPECT_EQ(o.json.find('\n'), std::string::npos);
        if (o.type != "marking-definition") {
            ASSERT_EQ(p.parsed[i]["object_marking_refs"].size(), 1u) << o.json;
            EXPECT_EQ(p.parsed[i]["object_marking_refs"][0], tlpMarkingId(o.tlp));
        }
        if (p.parsed[i].contains("modified")) {
            EXPECT_EQ(p.parsed[i]["modified"], o.modified);
        }
        EXPECT_EQ(o.modified.size(), 24u) << o.modified;
    }
}

TEST_F(StixProducerTest, C2EndpointsBecomeIndicatorsAndInfrastructure) {
    const Produced p = produce({});
    const ObjectIds ids("kansoku");
    const auto* indicator = p.byId(ids.id("indicator", "indicator|ipv4|203.0.113.66"));
    ASSERT_NE(indicator, nullptr);
    EXPECT_EQ((*indicator)["pattern"], "[ipv4-addr:value = '203.0.113.66']");
    EXPECT_EQ((*indicator)["valid_from"], stixTime(kT0 - kDay));
    EXPECT_EQ((*indicator)["valid_until"], stixTime(kT0 + 30 * kDay));
    EXPECT_NE((*indicator)["description"].get<std::string>().find("23,48101"), std::string::npos);
    EXPECT_EQ((*indicator)["object_marking_refs"][0], tlpMarkingId(Tlp::Green));
    EXPECT_NE(p.byId("ipv4-addr--e17823ff-cd7d-55c9-8a58-6ff3c5c23bcb"), nullptr) << "the SCO, id as computed apart";
    EXPECT_NE(p.byId("domain-name--76936891-870a-56e9-9541-f417e2bd7ece"), nullptr);
    EXPECT_NE(p.byId("ipv6-addr--81358666-1498-5057-a2a1-80638097e485"), nullptr);
    EXPECT_NE(p.byId(ids.id("indicator", "indicator|domain|cnc.example.test")), nullptr);
    EXPECT_FALSE(p.mentions("10.0.0.5"));
    EXPECT_EQ(p.counts.c2_refused, 1u);
    EXPECT_EQ(p.ofType("infrastructure").size(), 3u);
    const std::string infrastructure = ids.id("infrastructure", "infrastructure|c2|ipv4|203.0.113.66");
    const std::string relation =
        ids.id("relationship",
               "relationship|" + infrastructure + "|consists-of|ipv4-addr--e17823ff-cd7d-55c9-8a58-6ff3c5c23bcb");
    ASSERT_NE(p.byId(relation), nullptr);
    EXPECT_NE(p.byId(ids.id("relationship",
                            "relationship|" + ids.id("malware", "malware|family|mirai") + "|uses|" + infrastructure)),
              nullptr);
}

TEST_F(StixProducerTest, MalwareSamplesAndAttackPatterns) {
    const Produced p = produce({});
    const ObjectIds ids("kansoku");
    const auto* mirai = p.byId("malware--29472b6a-0e04-4f95-b406-cca7c5b9e4d5");
    ASSERT_NE(mirai, nullptr);
    EXPECT_EQ((*mirai)["name"], "mirai");
    EXPECT_EQ((*mirai)["is_family"], true);
    const std::string file_a = scoId("file", {{"hashes", {{"MD5", std::string(32, 'c')}}}});
    EXPECT_EQ((*mirai)["sample_refs"], nlohmann::json::array({file_a}));
    const auto* file = p.byId(file_a);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ((*file)["hashes"]["SHA-256"], kShaA);
    const auto* hash_indicator = p.byId(ids.id("indicator", "indicator|sha256|" + kShaA));
    ASSERT_NE(hash_indicator, nullptr);
    EXPECT_EQ((*hash_indicator)["pattern"], "[file:hashes.'SHA-256' = '" + kShaA + "']");
    EXPECT_FALSE(hash_indicator->contains("valid_until")) << "a hash does not expire";
    const auto sightings = p.ofType("sighting");
    ASSERT_EQ(sightings.size(), 2u) << "one per stored sample; hosts are withheld";
    EXPECT_EQ(p.byId(ids.id("sighting", "sighting|sha256|" + kShaA))->at("count"), 3);

    const auto patterns = p.ofType("attack-pattern");
    ASSERT_EQ(patterns.size(), 3u);
    const auto* scan = p.byId("attack-pattern--cde7dcb4-3288-4da6-a56d-430324bc5ea9");
    ASSERT_NE(scan, nullptr);
    EXPECT_EQ((*scan)["name"], "Network Service Discovery");
    EXPECT_EQ((*scan)["external_references"][0]["source_name"], "mitre-attack");
    EXPECT_EQ((*scan)["external_references"][0]["external_id"], "T1046");
    EXPECT_NE(p.byId(ids.id("relationship", "relationship|" + (*mirai)["id"].get<std::string>() + "|uses|" +
                                                (*scan)["id"].get<std::string>())),
              nullptr);
    // B has no family but used T1071: a malware instance carries it.
    const auto* instance = p.byId(ids.id("malware", "malware|sample|" + kShaB));
    ASSERT_NE(instance, nullptr);
    EXPECT_EQ((*instance)["is_family"], false);
}

TEST_F(StixProducerTest, StatisticsAndOutbreakReport) {
    const Produced p = produce({});
    const auto observed = p.ofType("observed-data");
    ASSERT_EQ(observed.size(), 2u);
    const auto reports = p.ofType("report");
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0]["name"], "Darknet outbreak on tcp/37215 (high)");
    const auto* target = p.byId(reports[0]["object_refs"][0]);
    ASSERT_NE(target, nullptr);
    EXPECT_EQ((*target)["number_observed"], 5000);
    int64_t per_day = 0;
    for (const auto& o : observed) {
        if (o["id"] != reports[0]["object_refs"][0]) {
            per_day = o["number_observed"];
        }
    }
    EXPECT_EQ(per_day, 100 + 101 + 102);
    for (const auto& traffic : p.ofType("network-traffic")) {
        EXPECT_EQ(traffic["dst_ref"], scoId("ipv4-addr", {{"value", "0.0.0.0/0"}}));
    }
}

TEST_F(StixProducerTest, WithholdSharesNoSubscriberAddress) {
    const Produced p = produce({});
    for (const char* address : kHosts) {
        EXPECT_FALSE(p.mentions(address)) << address;
    }
    EXPECT_FALSE(p.mentions("198.51.100."));
    EXPECT_EQ(p.counts.hosts_withheld, 3u);
    EXPECT_FALSE(p.mentions(std::string(tlpMarkingId(Tlp::Amber)) + "\"]"));
}

TEST_F(StixProducerTest, Aggregate24MergesHostsIntoTheirPrefix) {
    const Produced p = produce({"partners", SubscriberPolicy::Aggregate24, "", 0});
    for (const char* address : kHosts) {
        EXPECT_FALSE(p.mentions(std::string("'") + address + "'")) << address;
        EXPECT_FALSE(p.mentions(std::string("\"") + address + "\"")) << address;
    }
    const ObjectIds ids("kansoku");
    const auto* indicator = p.byId(ids.id("indicator", "indicator|infected|ipv4|198.51.100.0/24"));
    ASSERT_NE(indicator, nullptr);
    EXPECT_EQ((*indicator)["pattern"], "[ipv4-addr:value = '198.51.100.0/24']");
    EXPECT_EQ((*indicator)["object_marking_refs"][0], tlpMarkingId(Tlp::Amber));
    EXPECT_EQ((*indicator)["valid_until"], stixTime(kT0 + 7 * kDay));
    const auto* sighting = p.byId(ids.id("sighting", "sighting|infected|ipv4|198.51.100.0/24"));
    ASSERT_NE(sighting, nullptr);
    EXPECT_EQ((*sighting)["count"], 3) << "two scan records of .7 and a session of .8";
    EXPECT_NE(p.byId(ids.id("indicator", "indicator|infected|ipv4|192.0.2.0/24")), nullptr);
}

TEST_F(StixProducerTest, PseudonymiseKeepsTheSlash24AndHidesIt) {
    const Produced p = produce({"partners", SubscriberPolicy::Pseudonymise, kKey, 0});
    auto pan = CryptoPan::create(*CryptoPan::keyFromSecret(kKey));
    ASSERT_TRUE(pan);
    for (const char* address : kHosts) {
        EXPECT_FALSE(p.mentions(std::string("'") + address + "'")) << address;
        EXPECT_FALSE(p.mentions(std::string("\"") + address + "\"")) << address;
        const std::string pseudonym = pan->pseudonymise(*IpAddress::parse(address)).toString();
        EXPECT_TRUE(p.mentions("[ipv4-addr:value = '" + pseudonym + "']")) << pseudonym;
    }
    const auto a = pan->pseudonymise(*IpAddress::parse(kHosts[0])).v4();
    const auto b = pan->pseudonymise(*IpAddress::parse(kHosts[1])).v4();
    EXPECT_EQ(a & 0xFFFFFF00u, b & 0xFFFFFF00u);
    EXPECT_NE(a & 0xFFFFFF00u, IpAddress::parse(kHosts[0])->v4() & 0xFFFFFF00u);
    const Produced other = produce({"others", SubscriberPolicy::Pseudonymise, "another community's secret", 0});
    EXPECT_FALSE(other.mentions(pan->pseudonymise(*IpAddress::parse(kHosts[0])).toString()));
    EXPECT_FALSE(produce({}).ofType("indicator").empty());
}

TEST_F(StixProducerTest, DeterministicAcrossRuns) {
    const Produced a = produce({"partners", SubscriberPolicy::Aggregate24, "", 0});
    const Produced b = produce({"partners", SubscriberPolicy::Aggregate24, "", 0});
    ASSERT_EQ(a.objects.size(), b.objects.size());
    for (size_t i = 0; i < a.objects.size(); ++i) {
        EXPECT_EQ(a.objects[i].json, b.objects[i].json);
    }
}

TEST_F(StixProducerTest, SinceLeavesOutOlderData) {
    const Produced p = produce({"", SubscriberPolicy::Aggregate24, "", kT0 + kDay});
    EXPECT_EQ(p.objects.size(), 6u) << "markings and identity only";
}

TEST_F(StixProducerTest, StopsOnTheSinksFirstError) {
    StixProducer producer(*store_, ProducerIdentity{});
    int calls = 0;
    auto done = producer.produce({}, [&calls](StixObject&&) -> Result<void> {
        if (++calls == 3) {
            return fail("disk full");
        }
        return {};
    });
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "disk full");
    EXPECT_EQ(calls, 3);
    auto bad_key =
        producer.produce({"x", SubscriberPolicy::Pseudonymise, "", 0}, [](StixObject&&) -> Result<void> { return {}; });
    EXPECT_FALSE(bad_key);
}

} // namespace
} // namespace kansoku::share::stix

// X-ARF v4 field checks written from the specification (xarf.org, schemas/v4/xarf-core.json and the
// connection category's infected_host type). The official JSON Schema is not packaged for Debian
// or npm, so these checks stand in for validating against it (docs/reports.md).

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "host_fixture.h"
#include "share/isp/xarf_report.h"

namespace kansoku::share::isp {
namespace {

using testing::infectedHost;
using testing::kT0;
using Json = nlohmann::ordered_json;

const XarfReporter kReporter{"Example CERT", "reports@cert.example", "cert.example"};
const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
const std::regex kDateTime(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)");

void expectKeysOnly(const Json& object, const std::set<std::string>& allowed) {
    for (const auto& [key, value] : object.items()) {
        EXPECT_TRUE(allowed.contains(key)) << key;
    }
}

/// The rules of xarf-core.json and the connection/infected_host type, checked on one report.
void expectValidXarf(const Json& r) {
    for (const char* key : {"xarf_version", "report_id", "timestamp", "reporter", "sender", "source_identifier",
                            "category", "type", "protocol", "bot_type", "first_seen"}) {
        EXPECT_TRUE(r.contains(key)) << "required " << key;
    }
    EXPECT_TRUE(std::regex_match(r["xarf_version"].get<std::string>(), std::regex(R"(^4\.[0-9]+\.[0-9]+$)")));
    EXPECT_TRUE(std::regex_match(r["report_id"].get<std::string>(), kUuidV4));
    for (const char* key : {"timestamp", "first_seen", "last_seen"}) {
        EXPECT_TRUE(std::regex_match(r[key].get<std::string>(), kDateTime)) << key;
    }
    for (const char* who : {"reporter", "sender"}) {
        const Json& c = r[who];
        expectKeysOnly(c, {"org", "contact", "domain"}); // additionalProperties: false
        EXPECT_TRUE(c["org"].is_string() && c["org"].get<std::string>().size() <= 200);
        EXPECT_NE(c["contact"].get<std::string>().find('@'), std::string::npos);
        EXPECT_TRUE(c["domain"].is_string());
    }
    EXPECT_EQ(r["category"], "connection");
    EXPECT_EQ(r["type"], "infected_host");
    EXPECT_TRUE(r["protocol"] == "tcp" || r["protocol"] == "udp");
    const std::set<std::string> bot_types = {"search_engine", "ai_agent",    "monitoring",   "seo_analyzer",
                                             "link_checker",  "feed_reader", "social_media", "advertising",
                                             "malicious",     "unknown"};
    EXPECT_TRUE(bot_types.contains(r["bot_type"].get<std::string>()));
    if (r.contains("destination_port")) {
        EXPECT_GE(r["destination_port"].get<int>(), 1);
        EXPECT_LE(r["destination_port"].get<int>(), 65535);
    }
    if (r.contains("confidence")) {
        EXPECT_GE(r["confidence"].get<double>(), 0.0);
        EXPECT_LE(r["confidence"].get<double>(), 1.0);
    }
    if (r.contains("description")) {
        EXPECT_LE(r["description"].get<std::string>().size(), 1000u);
    }
    if (r.contains("tags")) {
        EXPECT_LE(r["tags"].size(), 20u);
        for (const auto& tag : r["tags"]) {
            EXPECT_TRUE(
                std::regex_match(tag.get<std::string>(), std::regex("^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+\\-.]*$")))
                << tag;
        }
    }
    if (r.contains("evidence")) {
        EXPECT_LE(r["evidence"].size(), 50u);
        for (const auto& item : r["evidence"]) {
            expectKeysOnly(item, {"content_type", "description", "payload", "hash", "size"});
            EXPECT_TRUE(item["content_type"].is_string());
            EXPECT_TRUE(item["payload"].is_string());
            EXPECT_TRUE(std::regex_match(item["hash"].get<std::string>(), std::regex("^sha256:[a-f0-9]{64}$")));
            EXPECT_LE(item["size"].get<int64_t>(), 5242880);
        }
    }
}

TEST(XarfReport, MapsAnInfectedHostToAValidConnectionInfectedHostReport) {
    const auto host = infectedHost("192.0.2.1", kT0, 64500);
    const Json r = xarfReport(host, reportRow(host), kReporter, randomUuidV4());
    expectValidXarf(r);
    EXPECT_EQ(r["source_identifier"], "192.0.2.1");
    EXPECT_EQ(r["timestamp"], "2024-05-01T12:00:00Z");
    EXPECT_EQ(r["first_seen"], "2024-05-01T11:00:00Z");
    EXPECT_EQ(r["destination_port"], 23);
    EXPECT_EQ(r["protocol"], "tcp");
    EXPECT_EQ(r["bot_name"], "mirai");
    EXPECT_EQ(r["evidence_source"], "honeypot");
    EXPECT_DOUBLE_EQ(r["confidence"].get<double>(), 0.8);
    EXPECT_EQ(r["tags"], Json::array({"malware:mirai", "evidence:darknet", "evidence:honeypot"}));
    EXPECT_EQ(r["reporter"]["org"], "Example CERT");
    EXPECT_EQ(r["evidence"][0]["content_type"], "application/json");
}

TEST(XarfReport, KeepsHostileFamilyNamesInsideTheSchema) {
    auto host = infectedHost("2001:db8::1", kT0);
    host.family = "Évil Bot:\x01/../x";
    host.evidence = {{"darknet.scan", kT0, "s", "udp/123"}};
    host.reasons = {std::string(3000, 'r')};
    const Json r = xarfReport(host, reportRow(host), kReporter, randomUuidV4());
    expectValidXarf(r);
    EXPECT_EQ(r["evidence_source"], "traffic_analysis");
    EXPECT_EQ(r["protocol"], "udp");
    EXPECT_EQ(r["destination_port"], 123);
}

TEST(XarfReport, UuidV4SetsVersionAndVariantBits) {
    std::array<uint8_t, 16> ones{};
    ones.fill(0xff);
    EXPECT_EQ(uuidV4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    EXPECT_EQ(uuidV4({}), "00000000-0000-4000-8000-000000000000");
    EXPECT_NE(randomUuidV4(), randomUuidV4());
}

} // namespace
} // namespace kansoku::share::isp

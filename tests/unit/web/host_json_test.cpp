#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/host_json.h"

namespace kansoku::web {
namespace {

std::string asJson(std::string_view text) {
    std::string out = "x";
    appendJsonString(out, text);
    return out;
}

TEST(HostJsonTest, StringsAreEscapedAsRfc8259Asks) {
    EXPECT_EQ(asJson("plain"), "x\"plain\"");
    EXPECT_EQ(asJson(R"(a"b\c)"), R"(x"a\"b\\c")");
    EXPECT_EQ(asJson(std::string("t\tn\n\x01", 5)), R"(x"t\u0009n\u000a\u0001")");
    EXPECT_EQ(asJson("\"ＮＴＴ\" net"), "x\"\\\"ＮＴＴ\\\" net\""); // valid UTF-8 kept
    EXPECT_EQ(asJson("a\"\xff"), "x\"a\\\"\xef\xbf\xbd\"");         // invalid: U+FFFD
}

TEST(HostJsonTest, AHostParsesBackWithEveryField) {
    store::InfectedHostRecord host;
    host.ip = *IpAddress::parse("2001:db8::7");
    host.asn = 64500;
    host.as_name = "EXAMPLE \"NET\"";
    host.family = "mirai";
    host.reasons = {"one", "two"};
    host.evidence = {{"darknet.scan", 0, "s", "tcp/23"}};
    host.notice_token = "tok";
    host.notice_expires = 100;
    host.partner_intel = {{"jpcert", "indicator--1", "C2 list", "amber"},
                          {"jpcert", "indicator--2", "in-house only", "amber+strict"}};
    std::string out;
    appendHostJson(out, host, 99, true);
    const auto json = nlohmann::json::parse(out);
    EXPECT_EQ(json.at("ip"), "2001:db8::7");
    EXPECT_EQ(json.at("asn"), 64500);
    EXPECT_EQ(json.at("as_name"), "EXAMPLE \"NET\"");
    EXPECT_EQ(json.at("reasons").size(), 2u);
    EXPECT_EQ(json.at("state"), "new");
    EXPECT_TRUE(json.at("notified_at").is_null());
    EXPECT_EQ(json.at("notice"), "/notice/tok");
    EXPECT_EQ(json.at("evidence").at(0).at("ts"), "1970-01-01T00:00:00.000000Z");
    ASSERT_EQ(json.at("partner_intel").size(), 1u); // AMBER+STRICT never reaches an ISP
    EXPECT_EQ(json.at("partner_intel").at(0).at("indicator_id"), "indicator--1");
    out.clear();
    appendHostJson(out, host, 100, false); // expired, and no evidence asked for
    EXPECT_TRUE(nlohmann::json::parse(out).at("notice").is_null());
    EXPECT_FALSE(nlohmann::json::parse(out).contains("evidence"));
}

} // namespace
} // namespace kansoku::web

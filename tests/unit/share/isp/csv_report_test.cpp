#include <gtest/gtest.h>

#include "host_fixture.h"
#include "share/isp/csv_report.h"

namespace kansoku::share::isp {
namespace {

using testing::infectedHost;
using testing::kT0;

/// A small RFC 4180 reader, independent of the writer: rows of fields.
std::vector<std::vector<std::string>> parseCsv(std::string_view text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(std::move(field));
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(std::move(field));
            field.clear();
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    if (rows.back().empty()) {
        rows.pop_back();
    }
    return rows;
}

TEST(CsvReport, QuotesPerRfc4180) {
    EXPECT_EQ(csvField("mirai"), "mirai");
    EXPECT_EQ(csvField("a,b"), "\"a,b\"");
    EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvField("two\r\nlines"), "\"two\r\nlines\"");
    EXPECT_EQ(csvField(""), "");
}

TEST(CsvReport, GuardsCellsThatSpreadsheetsWouldEvaluate) {
    EXPECT_EQ(csvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(csvField("+1"), "'+1");
    EXPECT_EQ(csvField("-2+3"), "'-2+3");
    EXPECT_EQ(csvField("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csvField("\tx"), "'\tx");
    EXPECT_EQ(csvField("a=b"), "a=b"); // only a leading sign counts
}

TEST(CsvReport, WritesTheHeaderAndOneRowPerHost) {
    auto hostile = infectedHost("192.0.2.9", kT0, 64500);
    hostile.family = "=cmd|' /C calc'!A0";
    const std::vector<ReportRow> rows = {reportRow(infectedHost("192.0.2.1", kT0, 64500)), reportRow(hostile)};
    const std::string text = csvReport(rows);
    ASSERT_TRUE(text.ends_with("\r\n"));
    const auto parsed = parseCsv(text);
    ASSERT_EQ(parsed.size(), 3u);
    const std::vector<std::string> header = {"timestamp", "ip",         "port",      "asn",        "geo",
                                             "protocol",  "family",     "tag",       "infection",  "evidence_type",
                                             "count",     "first_seen", "last_seen", "confidence", "state"};
    EXPECT_EQ(parsed[0], header);
    const std::vector<std::string> first = {"2024-05-01 12:00:00",
                                            "192.0.2.1",
                                            "23",
                                            "64500",
                                            "JP",
                                            "tcp",
                                            "mirai",
                                            "darknet-scan;honeypot-login",
                                            "mirai",
                                            "darknet;honeypot",
                                            "4",
                                            "2024-05-01 11:00:00",
                                            "2024-05-01 12:00:00",
                                            "80",
                                            "new"};
    EXPECT_EQ(parsed[1], first);
    EXPECT_EQ(parsed[2][6], "'=cmd|' /C calc'!A0"); // the family cannot become a formula
}

TEST(ReportRow, TakesTheMostFrequentPortAndLeavesUnknownsEmpty) {
    auto host = infectedHost("2001:db8::7", kT0);
    host.evidence = {{"honeypot.download", kT0, "s", "abc"}};
    host.family = "Gafgyt.B";
    const auto row = reportRow(host);
    EXPECT_FALSE(row.port.has_value());
    EXPECT_FALSE(row.asn.has_value());
    EXPECT_EQ(row.protocol, "");
    EXPECT_EQ(row.infection, "gafgyt-b");
    EXPECT_EQ(row.ip, "2001:db8::7");
    EXPECT_EQ(row.count, 1);
    const auto csv = parseCsv(csvReport({row}));
    EXPECT_EQ(csv[1][2], "");
    EXPECT_EQ(csv[1][3], "");
}

TEST(ReportRow, ParsesPortReferencesStrictly) {
    EXPECT_EQ(parsePortRef("udp/123")->port, 123);
    EXPECT_FALSE(parsePortRef("tcp/0"));
    EXPECT_FALSE(parsePortRef("tcp/65536"));
    EXPECT_FALSE(parsePortRef("tcp/23x"));
    EXPECT_FALSE(parsePortRef("icmp/8"));
    EXPECT_FALSE(parsePortRef("session-1"));
}

} // namespace
} // namespace kansoku::share::isp

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/basic_credentials.h"
#include "web/taxii_contribution.h"
#include "web/taxii_filter.h"
#include "web/taxii_media.h"

namespace kansoku::web {
namespace {

TEST(TaxiiMedia, AcceptMustAskForTaxii21) {
    EXPECT_TRUE(acceptsTaxii("application/taxii+json;version=2.1"));
    EXPECT_TRUE(acceptsTaxii("application/json, application/taxii+json ; version=\"2.1\""));
    EXPECT_TRUE(acceptsTaxii("APPLICATION/TAXII+JSON"));
    EXPECT_FALSE(acceptsTaxii(""));
    EXPECT_FALSE(acceptsTaxii("*/*"));
    EXPECT_FALSE(acceptsTaxii("application/json"));
    EXPECT_FALSE(acceptsTaxii("application/taxii+json;version=2.0"));
    EXPECT_FALSE(acceptsTaxii("application/taxii+json;version=2.1;q=0"));
    EXPECT_TRUE(isTaxiiContentType("application/taxii+json;version=2.1"));
    EXPECT_FALSE(isTaxiiContentType("application/stix+json;version=2.1"));
}

TEST(BasicCredentials, DecodesUserAndPassword) {
    const auto c = basicCredentials("Basic anAtZ3JlZW46a3NwX3NlY3JldDp3aXRoOmNvbG9ucw==");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "jp-green");
    EXPECT_EQ(c->password, "ksp_secret:with:colons");
    EXPECT_TRUE(basicCredentials("basic YTpi"));
    EXPECT_FALSE(basicCredentials("Bearer YTpi"));
    EXPECT_FALSE(basicCredentials("Basic YWJj"));  // no colon
    EXPECT_FALSE(basicCredentials("Basic YT!i"));  // not base64
    EXPECT_FALSE(basicCredentials("Basic YTpiY")); // not a multiple of 4
    EXPECT_FALSE(basicCredentials(std::string("Basic ") + std::string(2000, 'A')));
}

TEST(TaxiiFilter, ParsesEveryFilter) {
    const auto f = parseTaxiiFilter("/o/",
                                    "added_after=2026-12-01T00:00:00Z&limit=10&match[id]=indicator--a,malware--b&"
                                    "match[type]=indicator&match[version]=first,2026-12-02T00:00:00.5Z&"
                                    "match[spec_version]=2.1",
                                    {"id", "type", "version", "spec_version"}, 100);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->limit, 10);
    EXPECT_EQ(f->query.limit, 11);
    EXPECT_EQ(f->query.ids.size(), 2U);
    EXPECT_TRUE(f->query.first_version);
    EXPECT_FALSE(f->query.last_version);
    ASSERT_EQ(f->query.versions.size(), 1U);
    EXPECT_EQ(f->query.versions[0] % 1'000'000, 500'000);
    EXPECT_TRUE(f->query.added_after);
}

TEST(TaxiiFilter, ClampsLimitAndRefusesBadValues) {
    EXPECT_EQ(parseTaxiiFilter("/o/", "limit=5000", {}, 100)->limit, 100);
    for (const char* bad : {"limit=0", "limit=-1", "limit=1x", "added_after=soon", "match[version]=later",
                            "match[id]=nodashes", "match[type]=Bad_Type", "match[colour]=red", "whatever=1",
                            "match[type]=", "next=", "next=12", "next=zz.0000000000000000"}) {
        EXPECT_FALSE(parseTaxiiFilter("/o/", bad, {"id", "type", "version"}, 100)) << bad;
    }
    EXPECT_FALSE(parseTaxiiFilter("/o/", "match[spec_version]=2.1", {"id"}, 100)); // not this endpoint's
}

TEST(TaxiiFilter, NextIsBoundToItsFilters) {
    const auto first = parseTaxiiFilter("/o/", "match[type]=indicator&limit=2", {"type"}, 100);
    ASSERT_TRUE(first);
    const std::string token = taxiiNextToken(*first, 42);
    const auto same = parseTaxiiFilter("/o/", "match[type]=indicator&limit=5&next=" + token, {"type"}, 100);
    ASSERT_TRUE(same) << same.error().message;
    EXPECT_EQ(same->query.after_seq, 42);
    EXPECT_FALSE(parseTaxiiFilter("/o/", "match[type]=malware&next=" + token, {"type"}, 100));
    EXPECT_FALSE(parseTaxiiFilter("/p/", "match[type]=indicator&next=" + token, {"type"}, 100));
    EXPECT_FALSE(parseTaxiiFilter("/o/", "next=" + token, {"type"}, 100));
}

TEST(TaxiiContribution, KeepsValidObjectsAndSaysWhyOthersAreRefused) {
    const nlohmann::json envelope = {
        {"objects",
         {{{"type", "indicator"},
           {"id", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
           {"spec_version", "2.1"},
           {"created", "2026-12-01T00:00:00.000Z"},
           {"modified", "2026-12-02T00:00:00.000Z"},
           {"pattern", "[ipv4-addr:value = '192.0.2.1']"},
           {"pattern_type", "stix"},
           {"valid_from", "2026-12-01T00:00:00Z"},
           {"object_marking_refs",
            {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",    // TLP 1.0 amber
             "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}}}, // TLP 2.0 green
          {{"type", "indicator"}, {"id", "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}},
          {{"type", "indicator"}, {"id", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}},
          {{"type", "indicator"},
           {"id", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
           {"spec_version", "2.0"},
           {"object_marking_refs", {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}}},
          {{"type", "marking-definition"}, {"id", "marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}},
          42,
          {{"type", "indicator"}, // no pattern: not an indicator anyone can use
           {"id", "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
           {"created", "2026-12-01T00:00:00.000Z"},
           {"modified", "2026-12-02T00:00:00.000Z"},
           {"object_marking_refs", {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"}}}}}};
    const auto c = readContribution(envelope.dump(), "col", "jp", 10);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->accepted.size(), 2U);
    EXPECT_EQ(c->accepted[0].tlp, "amber"); // the most restricted marking applies
    EXPECT_EQ(c->accepted[0].version, "2026-12-02T00:00:00.000Z");
    EXPECT_EQ(c->accepted[1].tlp, "clear");
    EXPECT_EQ(c->outcomes.size(), 7U);
    const auto status = nlohmann::json::parse(contributionStatus(*c, "s", 0));
    EXPECT_EQ(status["success_count"], 2);
    EXPECT_EQ(status["failure_count"], 5);
    EXPECT_FALSE(readContribution("[]", "col", "jp", 10));
    EXPECT_FALSE(readContribution("{\"objects\": {}}", "col", "jp", 10));
    EXPECT_FALSE(readContribution("{\"objects\": [1, 2, 3]}", "col", "jp", 2));
}

} // namespace
} // namespace kansoku::web

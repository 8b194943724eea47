#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/stix/tlp.h"

namespace kansoku::share::stix {
namespace {

TEST(TlpTest, NamesAndPublishedIds) {
    // extension-definition-specifications/tlp-2.0 in oasis-open/cti-stix-common-objects.
    EXPECT_EQ(tlpMarkingId(Tlp::Clear), "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
    EXPECT_EQ(tlpMarkingId(Tlp::Green), "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
    EXPECT_EQ(tlpMarkingId(Tlp::Amber), "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    EXPECT_EQ(tlpMarkingId(Tlp::AmberStrict), "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    EXPECT_EQ(tlpMarkingId(Tlp::Red), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
    for (const Tlp tlp : {Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red}) {
        EXPECT_EQ(parseTlp(tlpName(tlp)), tlp);
        EXPECT_EQ(tlpOfMarkingId(tlpMarkingId(tlp)), tlp);
    }
    EXPECT_EQ(tlpName(Tlp::AmberStrict), "amber+strict");
    EXPECT_EQ(parseTlp("TLP:AMBER+STRICT"), Tlp::AmberStrict);
    EXPECT_FALSE(parseTlp("white"));
    EXPECT_FALSE(parseTlp(""));
    EXPECT_FALSE(tlpOfMarkingId("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")); // TLP 1.0 white
}

TEST(TlpTest, CeilingAllowsOnlyAtOrBelow) {
    EXPECT_TRUE(tlpAllows(Tlp::Clear, Tlp::Clear));
    EXPECT_FALSE(tlpAllows(Tlp::Clear, Tlp::Green));
    EXPECT_FALSE(tlpAllows(Tlp::Clear, Tlp::Amber));
    EXPECT_TRUE(tlpAllows(Tlp::Amber, Tlp::Green));
    EXPECT_FALSE(tlpAllows(Tlp::Amber, Tlp::AmberStrict));
    EXPECT_TRUE(tlpAllows(Tlp::AmberStrict, Tlp::AmberStrict));
    EXPECT_FALSE(tlpAllows(Tlp::Red, Tlp::Red)) << "red is never shared";
    EXPECT_EQ(stricter(Tlp::Green, Tlp::Amber), Tlp::Amber);
}

TEST(TlpTest, MarkingDefinitionAsPublished) {
    const auto marking = nlohmann::json::parse(tlpMarkingJson(Tlp::AmberStrict));
    EXPECT_EQ(marking["type"], "marking-definition");
    EXPECT_EQ(marking["spec_version"], "2.1");
    EXPECT_EQ(marking["id"], "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    EXPECT_EQ(marking["created"], "2022-10-01T00:00:00.000Z");
    EXPECT_EQ(marking["name"], "TLP:AMBER+STRICT");
    const auto& extension = marking["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"];
    EXPECT_EQ(extension["extension_type"], "property-extension");
    EXPECT_EQ(extension["tlp_2_0"], "amber+strict");
    EXPECT_EQ(marking.size(), 6u);
}

} // namespace
} // namespace kansoku::share::stix

#include <gtest/gtest.h>

#include "share/misp/misp_tag.h"

namespace kansoku::share::misp {
namespace {

using stix::Tlp;

TEST(MispTag, TlpTagsAreTheTaxonomysTlp20Names) {
    EXPECT_EQ(tlpTagName(Tlp::Clear), "tlp:clear");
    EXPECT_EQ(tlpTagName(Tlp::Green), "tlp:green");
    EXPECT_EQ(tlpTagName(Tlp::Amber), "tlp:amber");
    EXPECT_EQ(tlpTagName(Tlp::AmberStrict), "tlp:amber+strict");
    for (const Tlp tlp : {Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red}) {
        EXPECT_EQ(tlpOfTag(tlpTagName(tlp)), tlp);
        EXPECT_EQ(tlpTagColour(tlp).size(), 7u);
    }
}

TEST(MispTag, ReadsTlp10WhiteAndAnyCaseButNothingElse) {
    EXPECT_EQ(tlpOfTag("tlp:white"), Tlp::Clear);
    EXPECT_EQ(tlpOfTag("TLP:AMBER"), Tlp::Amber);
    EXPECT_EQ(tlpOfTag("tlp:amber+strict"), Tlp::AmberStrict);
    EXPECT_EQ(tlpOfTag("green"), std::nullopt);
    EXPECT_EQ(tlpOfTag("tlp:"), std::nullopt);
    EXPECT_EQ(tlpOfTag("tlp:ex:chr"), std::nullopt);
    EXPECT_EQ(tlpOfTag("misp-galaxy:malpedia=\"Mirai\""), std::nullopt);
}

TEST(MispTag, KnownFamiliesHaveTheirMalpediaCluster) {
    EXPECT_EQ(malpediaCluster("mirai"), "Mirai");
    EXPECT_EQ(malpediaCluster("gafgyt"), "Bashlite");
    EXPECT_EQ(malpediaCluster("kansoku_test"), std::nullopt);
    EXPECT_EQ(galaxyTagName("Mirai"), "misp-galaxy:malpedia=\"Mirai\"");
}

} // namespace
} // namespace kansoku::share::misp

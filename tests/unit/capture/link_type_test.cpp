// linkTypeFromDlt and linkTypeName.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "capture/link_type.h"

namespace kansoku::capture {
namespace {

TEST(LinkTypeTest, SupportedDltValues) {
    // Numeric values from pcap-linktype(7) / <pcap/dlt.h> on Linux.
    EXPECT_EQ(linkTypeFromDlt(1), LinkType::Ethernet);    // DLT_EN10MB
    EXPECT_EQ(linkTypeFromDlt(113), LinkType::LinuxSll);  // DLT_LINUX_SLL
    EXPECT_EQ(linkTypeFromDlt(276), LinkType::LinuxSll2); // DLT_LINUX_SLL2
    EXPECT_EQ(linkTypeFromDlt(12), LinkType::RawIp);      // DLT_RAW (Linux value)
    EXPECT_EQ(linkTypeFromDlt(101), LinkType::RawIp);     // LINKTYPE_RAW
    EXPECT_EQ(linkTypeFromDlt(228), LinkType::Ipv4);      // DLT_IPV4
    EXPECT_EQ(linkTypeFromDlt(229), LinkType::Ipv6);      // DLT_IPV6
    EXPECT_EQ(linkTypeFromDlt(0), LinkType::Null);        // DLT_NULL
    EXPECT_EQ(linkTypeFromDlt(108), LinkType::Loop);      // DLT_LOOP
}

TEST(LinkTypeTest, UnsupportedDltValues) {
    for (int dlt : {-1, 6 /* IEEE 802.5 */, 9 /* PPP */, 105 /* 802.11 */, 127 /* radiotap */, 147 /* USER0 */,
                    253 /* netlink */, 65535, 1 << 20}) {
        EXPECT_FALSE(linkTypeFromDlt(dlt).has_value()) << dlt;
    }
}

TEST(LinkTypeTest, NamesAreDistinct) {
    std::set<std::string> names;
    for (LinkType type : {LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::RawIp, LinkType::Ipv4,
                          LinkType::Ipv6, LinkType::Null, LinkType::Loop}) {
        const std::string name(linkTypeName(type));
        EXPECT_NE(name, "unknown");
        EXPECT_FALSE(name.empty());
        EXPECT_TRUE(names.insert(name).second) << name;
    }
    EXPECT_EQ(linkTypeName(LinkType::Ethernet), "ethernet");
}

} // namespace
} // namespace kansoku::capture

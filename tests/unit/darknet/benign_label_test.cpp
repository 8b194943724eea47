// Sources on a benign-scanner list (MISP warning lists, through AddressLabeler) are labelled in
// their scan records, and only they are.

#include <gtest/gtest.h>

#include "common/address_labeler.h"
#include "common/event_sink.h"
#include "darknet/scan_tracker.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using testing::ip;

class OneListLabeler final : public AddressLabeler {
public:
    std::optional<std::string_view> label(const IpAddress& address) const override {
        if (address == ip("162.142.125.7")) {
            return std::string_view("censys-scanning");
        }
        return std::nullopt;
    }
};

TEST(BenignLabel, ScanRecordsOfListedSourcesSaySo) {
    OneListLabeler labeler;
    ScanTrackerOptions options;
    options.benign = &labeler;
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    testing::Packets packets;
    tracker.add(packets.syn(ip("162.142.125.7"), ip("203.0.113.5"), 443), 5);
    tracker.add(packets.syn(ip("198.51.100.7"), ip("203.0.113.5"), 23), 5);
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 2U);
    for (const auto& e : sink.events) {
        const bool listed = e.fields["src"] == "162.142.125.7";
        EXPECT_EQ(e.fields["benign"], listed) << e.fields["src"];
        if (listed) {
            EXPECT_EQ(e.fields["benign_list"], "censys-scanning");
        } else {
            EXPECT_TRUE(e.fields["benign_list"].is_null());
        }
    }
}

TEST(BenignLabel, NoListsNoLabels) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    testing::Packets packets;
    tracker.add(packets.syn(ip("162.142.125.7"), ip("203.0.113.5"), 443), 5);
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["benign"], false);
}

} // namespace
} // namespace kansoku::darknet

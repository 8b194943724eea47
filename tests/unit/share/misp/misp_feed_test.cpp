#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/misp/misp_feed.h"

namespace kansoku::share::misp {
namespace {

using stix::Tlp;

MispEvent event(std::string uuid, Tlp tlp, Timestamp stamp) {
    MispEvent e;
    e.uuid = std::move(uuid);
    e.info = "event " + std::string(stix::tlpName(tlp));
    e.tlp = tlp;
    e.attributes.push_back({"5a0b0c0d-0000-4000-8000-000000000001", "domain", "Network activity",
                            std::string(stix::tlpName(tlp)) + ".example.test", true, "", stamp});
    return e;
}

TEST(MispFeed, ManifestAndHashesHoldOnlyWhatTheCeilingAdmits) {
    const MispOrg org{"kansoku", "3ba76241-5641-448f-a7ed-bbd4b66ea007"};
    const MispFeed feed = MispFeed::render({event("cccccccc-0000-4000-8000-000000000000", Tlp::Amber, 3'000'000),
                                            event("aaaaaaaa-0000-4000-8000-000000000000", Tlp::Clear, 1'000'000),
                                            event("bbbbbbbb-0000-4000-8000-000000000000", Tlp::Green, 2'000'000)},
                                           org);
    ASSERT_EQ(feed.entries().size(), 3u);
    EXPECT_EQ(feed.entries()[0].uuid, "aaaaaaaa-0000-4000-8000-000000000000"); // ordered for find()
    for (const Tlp ceiling : {Tlp::Clear, Tlp::Green, Tlp::Amber}) {
        const auto admit = [ceiling](Tlp tlp) { return stix::tlpAllows(ceiling, tlp); };
        const auto manifest = nlohmann::json::parse(feed.manifestJson(admit));
        const std::string hashes = feed.hashesCsv(admit);
        const size_t wanted = static_cast<size_t>(ceiling) + 1;
        EXPECT_EQ(manifest.size(), wanted);
        EXPECT_EQ(static_cast<size_t>(std::count(hashes.begin(), hashes.end(), '\n')), wanted);
        for (const auto& [uuid, entry] : manifest.items()) {
            const auto tlp = stix::parseTlp(entry["Tag"][0]["name"].get<std::string>());
            ASSERT_TRUE(tlp);
            EXPECT_TRUE(admit(*tlp)) << uuid;
            const auto* held = feed.find(uuid);
            ASSERT_NE(held, nullptr);
            EXPECT_EQ(nlohmann::json::parse(*held->json)["Event"]["uuid"], uuid);
        }
        EXPECT_EQ(feed.newest(admit), static_cast<int64_t>(wanted));
    }
    EXPECT_EQ(feed.find("dddddddd-0000-4000-8000-000000000000"), nullptr);
    EXPECT_EQ(feed.manifestJson([](Tlp) { return false; }), "{}\n");
}

} // namespace
} // namespace kansoku::share::misp

#include <gtest/gtest.h>

#include "share/blocklist/blocklist.h"
#include "share/blocklist/blocklist_format.h"
#include "share/blocklist/indicator_policy.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::share::blocklist {
namespace {

constexpr Timestamp kNow = 1'796'000'000'000'000; // 2026-11-30T00:53:20Z
constexpr Timestamp kDay = 86'400'000'000;

IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

store::C2Record c2(std::string kind, std::string indicator, Timestamp last_seen, std::string family = "mirai") {
    store::C2Record record;
    record.kind = std::move(kind);
    record.indicator = std::move(indicator);
    record.port = record.kind == "ip" ? 23 : 0;
    record.family = std::move(family);
    record.samples = {std::string(64, 'a')};
    record.first_seen = last_seen - kDay;
    record.last_seen = last_seen;
    return record;
}

class BlocklistTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
    }
    void host(std::string_view address, Timestamp last_seen, std::string family = "mirai") {
        store::InfectedHostRecord h;
        h.ip = ip(address);
        h.family = std::move(family);
        h.first_seen = last_seen - kDay;
        h.last_seen = last_seen;
        ASSERT_TRUE(store_->upsertInfectedHost(h, last_seen));
    }
    void feedback(std::string_view address, store::HostState state) {
        ASSERT_TRUE(store_->recordFeedback({"isp-a", ip(address), state, kNow - kDay, ""}));
    }
    Blocklist build(const std::optional<AddressScope>& scope = std::nullopt) {
        auto built = buildBlocklist(*store_, config_, kNow, scope);
        EXPECT_TRUE(built) << built.error().message;
        return built ? *built : Blocklist{};
    }
    std::vector<std::string> indicators(const Blocklist& blocklist) {
        std::vector<std::string> out;
        for (const auto& e : blocklist.entries) {
            out.push_back(e.indicator);
        }
        return out;
    }
    testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    BlocklistConfig config_;
};

TEST_F(BlocklistTest, ListsC2AndActiveHostsWithReasonAndExpiry) {
    ASSERT_TRUE(store_->upsertC2(c2("ip", "203.0.113.9", kNow - kDay)));
    ASSERT_TRUE(store_->upsertC2(c2("domain", "CNC.Example.COM.", kNow - 2 * kDay)));
    host("198.51.100.7", kNow - kDay);
    const auto list = build();
    ASSERT_EQ(indicators(list), (std::vector<std::string>{"198.51.100.7", "203.0.113.9", "cnc.example.com"}));
    const auto& infected = list.entries[0];
    EXPECT_EQ(infected.reason, "infected_host");
    EXPECT_EQ(infected.type, IndicatorType::Ip);
    EXPECT_EQ(infected.expires, kNow - kDay + 7 * kDay);
    const auto& c2_ip = list.entries[1];
    EXPECT_EQ(c2_ip.reason, "c2");
    EXPECT_EQ(c2_ip.family, "mirai");
    EXPECT_EQ(c2_ip.expires, kNow - kDay + 30 * kDay);
    EXPECT_EQ(list.entries[2].type, IndicatorType::Domain);
}

TEST_F(BlocklistTest, OldSightingsAndClosedHostsAreNotListed) {
    host("198.51.100.1", kNow - 8 * kDay); // beyond host_ttl: the address may have changed hands
    host("198.51.100.2", kNow - kDay);
    host("198.51.100.3", kNow - kDay);
    host("198.51.100.4", kNow - kDay);
    host("198.51.100.5", kNow - kDay);
    feedback("198.51.100.2", store::HostState::Remediated);
    feedback("198.51.100.3", store::HostState::FalsePositive);
    feedback("198.51.100.4", store::HostState::Disputed);
    feedback("198.51.100.5", store::HostState::Notified); // notified, not yet clean: still listed
    ASSERT_TRUE(store_->upsertC2(c2("ip", "203.0.113.9", kNow - 31 * kDay)));
    EXPECT_EQ(indicators(build()), (std::vector<std::string>{"198.51.100.5"}));
}

TEST_F(BlocklistTest, ARemediatedHostSeenAgainIsListedAgain) {
    host("198.51.100.2", kNow - 2 * kDay);
    feedback("198.51.100.2", store::HostState::Remediated);
    host("198.51.100.2", kNow - 1000);
    EXPECT_EQ(indicators(build()), (std::vector<std::string>{"198.51.100.2"}));
}

TEST_F(BlocklistTest, SandboxAndUnroutableC2AddressesAreNeverListed) {
    for (const char* address : {"127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "100.64.0.1", "169.254.169.254",
                                "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1", "::",
                                // the sandbox's fake network: DNS sinkhole, the jail's address and gateway
                                "198.51.100.250", "2001:db8::250", "198.51.100.77", "198.51.100.1"}) {
        ASSERT_TRUE(store_->upsertC2(c2("ip", address, kNow - kDay))) << address;
    }
    ASSERT_TRUE(store_->upsertC2(c2("ip", "not an address", kNow - kDay)));
    ASSERT_TRUE(store_->upsertC2(c2("ip", "2001:db8:1::5", kNow - kDay)));
    const auto list = build();
    EXPECT_EQ(indicators(list), (std::vector<std::string>{"2001:db8:1::5"}));
    EXPECT_EQ(list.skipped, 18u);
}

TEST(IndicatorPolicy, DomainsThatCouldBreakOrSteerAZoneAreRefused) {
    EXPECT_EQ(listableDomain("Evil.Example.COM."), "evil.example.com");
    EXPECT_EQ(listableDomain("_dmarc.x-y.example.net"), "_dmarc.x-y.example.net");
    for (const std::string& bad : std::vector<std::string>{"",
                                                           ".",
                                                           "com",
                                                           "a..b.com",
                                                           "evil.example.com\n@ CNAME .",
                                                           "a b.com",
                                                           "x;y.com",
                                                           "$INCLUDE.com",
                                                           "a.b/c.com",
                                                           "0.0.0.0.0.rpz-ip",
                                                           "32.1.0.0.10.rpz-ip",
                                                           "x.rpz-nsdname",
                                                           "rpz-passthru.example.com",
                                                           "localhost",
                                                           "foo.localhost",
                                                           "printer.local",
                                                           "x.invalid",
                                                           "4.3.2.1.in-addr.arpa",
                                                           "1.2.3.4",
                                                           "a.-com",
                                                           std::string(64, 'a') + ".com",
                                                           std::string(250, 'a') + ".com",
                                                           "caf\xc3\xa9.example"}) {
        EXPECT_FALSE(listableDomain(bad)) << bad;
    }
}

TEST_F(BlocklistTest, RefusedDomainsAreCounted) {
    ASSERT_TRUE(store_->upsertC2(c2("domain", "0.0.0.0.0.rpz-ip", kNow - kDay)));
    ASSERT_TRUE(store_->upsertC2(c2("domain", "evil.example.com\nx CNAME .", kNow - kDay)));
    const auto list = build();
    EXPECT_TRUE(list.entries.empty());
    EXPECT_EQ(list.skipped, 2u);
}

TEST_F(BlocklistTest, ATenantSeesEveryC2ButOnlyItsOwnHosts) {
    ASSERT_TRUE(store_->upsertC2(c2("ip", "203.0.113.9", kNow - kDay)));
    host("198.51.100.7", kNow - kDay);
    host("192.0.2.7", kNow - kDay);
    AddressScope scope;
    scope.prefixes.push_back(*Prefix::parse("192.0.2.0/24"));
    EXPECT_EQ(indicators(build(scope)), (std::vector<std::string>{"192.0.2.7", "203.0.113.9"}));
}

TEST_F(BlocklistTest, AnAddressBothC2AndInfectedIsOneEntryWithBothReasons) {
    ASSERT_TRUE(store_->upsertC2(c2("ip", "203.0.113.9", kNow - kDay, "unknown")));
    host("203.0.113.9", kNow - 2 * kDay, "gafgyt");
    const auto list = build();
    ASSERT_EQ(list.entries.size(), 1u);
    EXPECT_EQ(list.entries[0].reason, "c2;infected_host");
    EXPECT_EQ(list.entries[0].family, "gafgyt");
    EXPECT_EQ(list.entries[0].expires, kNow - kDay + 30 * kDay);
}

TEST(BlocklistFormat, FamilyFromHostileInputIsReducedToPlainCharacters) {
    EXPECT_EQ(feedFamily("Mirai.B_v2-x"), "Mirai.B_v2-x");
    EXPECT_EQ(feedFamily("a,b\"c\nd e"), "a_b_c_d_e");
    EXPECT_EQ(feedFamily("=cmd|' /C calc'!A0"), "_cmd____C_calc__A0");
    EXPECT_EQ(feedFamily("-2+3"), "_2_3");
    EXPECT_EQ(feedFamily(""), "unknown");
    EXPECT_EQ(feedFamily(std::string(100, 'x')).size(), 64u);
}

Blocklist sample() {
    Blocklist list;
    list.generated = kNow;
    list.entries.push_back(
        {IndicatorType::Ip, "198.51.100.7", "infected_host", "mirai", kNow - kDay, kNow, kNow + 7 * kDay});
    list.entries.push_back({IndicatorType::Ip, "2001:db8:1::5", "c2", "unknown", kNow - kDay, kNow, kNow + kDay});
    list.entries.push_back(
        {IndicatorType::Domain, "cnc.example.com", "c2;infected_host", "mirai", kNow - kDay, kNow, kNow + kDay});
    return list;
}

TEST(BlocklistFormat, TextHasOneIndicatorPerLineAndCommentsForTheRest) {
    const std::string text = formatText(sample());
    std::vector<std::string> indicators;
    std::size_t comments = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        if (line.starts_with("#")) {
            ++comments;
        } else {
            indicators.push_back(line);
        }
        start = end + 1;
    }
    EXPECT_EQ(indicators, (std::vector<std::string>{"198.51.100.7", "2001:db8:1::5", "cnc.example.com"}));
    EXPECT_EQ(comments, 5u);
    EXPECT_NE(text.find("# infected_host family=mirai last_seen=2026-11-30T00:53:20Z"), std::string::npos) << text;
    EXPECT_NE(text.find(" expires=2026-12-07T00:53:20Z"), std::string::npos) << text;
}

TEST(BlocklistFormat, CsvHasTheHeaderAndQuotesWhereRfc4180Needs) {
    const std::string csv = formatCsv(sample());
    EXPECT_TRUE(csv.starts_with("indicator,type,reason,family,first_seen,last_seen,expires\r\n")) << csv;
    EXPECT_NE(csv.find("\r\n198.51.100.7,ip,infected_host,mirai,2026-11-29T00:53:20Z,2026-11-30T00:53:20Z,2026-12-"
                       "07T00:53:20Z\r\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("\r\n2001:db8:1::5,ip,c2,unknown,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\ncnc.example.com,domain,c2;infected_host,mirai,"), std::string::npos) << csv;
    Blocklist odd = sample();
    odd.entries.resize(1);
    odd.entries[0].reason = "a,\"b\"";
    EXPECT_NE(formatCsv(odd).find(",\"a,\"\"b\"\"\",mirai,"), std::string::npos);
}

TEST(BlocklistFormat, RpzIpTriggersFollowTheDraft) {
    EXPECT_EQ(rpzIpTrigger(ip("198.51.100.7")), "32.7.100.51.198.rpz-ip");
    EXPECT_EQ(rpzIpTrigger(ip("2001:db8::10")), "128.10.zz.db8.2001.rpz-ip");
    EXPECT_EQ(rpzIpTrigger(ip("2001:db8:0:1:0:0:0:5")), "128.5.zz.1.0.db8.2001.rpz-ip");
    EXPECT_EQ(rpzIpTrigger(ip("2001:db8:1:2:3:4:5:6")), "128.6.5.4.3.2.1.db8.2001.rpz-ip");
    EXPECT_EQ(rpzIpTrigger(ip("2001:0:0:1:0:0:0:1")), "128.1.zz.1.0.0.2001.rpz-ip");        // the longer zero run
    EXPECT_EQ(rpzIpTrigger(ip("2001:db8:0:1:2:3:4:5")), "128.5.4.3.2.1.0.db8.2001.rpz-ip"); // one zero: no zz
    EXPECT_EQ(rpzIpTrigger(ip("::ffff:192.0.2.1")), "32.1.2.0.192.rpz-ip");
}

TEST(BlocklistFormat, RpzZoneHasSoaNsAndOnePolicyPerEntry) {
    BlocklistConfig config;
    const std::string zone = formatRpz(sample(), config);
    EXPECT_NE(zone.find("$ORIGIN kansoku.rpz.\n$TTL 300\n"), std::string::npos) << zone;
    EXPECT_NE(zone.find(fmt::format("IN SOA localhost. hostmaster.localhost. ({} ", kNow / 1'000'000)),
              std::string::npos)
        << zone;
    EXPECT_NE(zone.find("@ IN NS localhost.\n"), std::string::npos);
    EXPECT_NE(zone.find("\n32.7.100.51.198.rpz-ip CNAME .\n"), std::string::npos);
    EXPECT_NE(zone.find("\n128.5.zz.1.db8.2001.rpz-ip CNAME .\n"), std::string::npos);
    EXPECT_NE(zone.find("\ncnc.example.com CNAME .\n"), std::string::npos);
    Blocklist later = sample();
    later.generated += 1'000'000;
    const std::string next = formatRpz(later, config);
    EXPECT_NE(next.find(fmt::format("({} ", kNow / 1'000'000 + 1)), std::string::npos) << "serial must grow";
}

TEST(BlocklistFormat, ParsesFormatNames) {
    EXPECT_EQ(parseBlocklistFormat("txt"), BlocklistFormat::Text);
    EXPECT_EQ(parseBlocklistFormat("csv"), BlocklistFormat::Csv);
    EXPECT_EQ(parseBlocklistFormat("rpz"), BlocklistFormat::Rpz);
    EXPECT_FALSE(parseBlocklistFormat("json"));
    EXPECT_TRUE(isZoneName("kansoku.rpz"));
    EXPECT_TRUE(isZoneName("rpz."));
    EXPECT_FALSE(isZoneName("bad zone"));
    EXPECT_FALSE(isZoneName(""));
}

} // namespace
} // namespace kansoku::share::blocklist

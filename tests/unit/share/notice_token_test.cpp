#include <set>

#include <gtest/gtest.h>

#include "share/notice/notice_token.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::share::notice {
namespace {

constexpr Timestamp kT0 = 1'796'000'000'000'000; // 2026-11-30T00:53:20Z
constexpr Timestamp kDay = 86'400'000'000;

class NoticeTokenTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        store::InfectedHostRecord host;
        host.ip = *IpAddress::parse("198.51.100.7");
        host.first_seen = host.last_seen = kT0;
        ASSERT_TRUE(store_->upsertInfectedHost(host, kT0));
    }
    testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    IpAddress host_ = *IpAddress::parse("198.51.100.7");
};

TEST(NoticeToken, Has192RandomBitsInBase64Url) {
    std::set<std::string> seen;
    std::set<char> alphabet;
    for (int i = 0; i < 2000; ++i) {
        auto token = generateNoticeToken();
        ASSERT_TRUE(token);
        EXPECT_EQ(token->size(), kNoticeTokenLength);
        EXPECT_TRUE(isNoticeToken(*token)) << *token;
        alphabet.insert(token->begin(), token->end());
        seen.insert(*token);
    }
    EXPECT_EQ(seen.size(), 2000u);
    EXPECT_EQ(alphabet.size(), 64u); // 64000 characters use the whole alphabet, '-' and '_' included
    EXPECT_TRUE(alphabet.count('-') && alphabet.count('_'));
}

TEST(NoticeToken, ShapeCheckRefusesAnythingElse) {
    EXPECT_FALSE(isNoticeToken(""));
    EXPECT_FALSE(isNoticeToken(std::string(31, 'a')));
    EXPECT_FALSE(isNoticeToken(std::string(33, 'a')));
    EXPECT_FALSE(isNoticeToken(std::string(31, 'a') + "="));
    EXPECT_FALSE(isNoticeToken(std::string(31, 'a') + "'"));
    EXPECT_FALSE(isNoticeToken(std::string(31, 'a') + "/"));
    EXPECT_TRUE(isNoticeToken(std::string(31, 'a') + "_"));
    EXPECT_EQ(noticePath("abc"), "/notice/abc");
}

TEST_F(NoticeTokenTest, IssuesStoresAndFindsTheHost) {
    auto issued = issueNotice(*store_, host_, kT0, {Duration::fromDays(30), false});
    ASSERT_TRUE(issued) << issued.error().message;
    EXPECT_EQ(issued->path, "/notice/" + issued->token);
    EXPECT_EQ(issued->expires, kT0 + 30 * kDay);
    EXPECT_FALSE(issued->reused);
    auto found = store_->hostByNoticeToken(issued->token, kT0 + 29 * kDay);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->ip, host_);
    auto expired = store_->hostByNoticeToken(issued->token, kT0 + 30 * kDay);
    ASSERT_TRUE(expired);
    EXPECT_FALSE(*expired);
}

TEST_F(NoticeTokenTest, AValidLinkIsKeptAndExtendedUnlessFreshIsAsked) {
    auto first = issueNotice(*store_, host_, kT0, {Duration::fromDays(30), false});
    ASSERT_TRUE(first);
    auto again = issueNotice(*store_, host_, kT0 + 10 * kDay, {Duration::fromDays(30), false});
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->reused);
    EXPECT_EQ(again->token, first->token);
    EXPECT_EQ(again->expires, kT0 + 40 * kDay);
    auto fresh = issueNotice(*store_, host_, kT0 + 10 * kDay, {Duration::fromDays(30), true});
    ASSERT_TRUE(fresh);
    EXPECT_NE(fresh->token, first->token);
    auto old = store_->hostByNoticeToken(first->token, kT0 + 11 * kDay);
    ASSERT_TRUE(old);
    EXPECT_FALSE(*old) << "the replaced link must stop working";
}

TEST_F(NoticeTokenTest, AnExpiredLinkIsReplaced) {
    auto first = issueNotice(*store_, host_, kT0, {Duration::fromDays(1), false});
    ASSERT_TRUE(first);
    auto later = issueNotice(*store_, host_, kT0 + 2 * kDay, {Duration::fromDays(1), false});
    ASSERT_TRUE(later);
    EXPECT_FALSE(later->reused);
    EXPECT_NE(later->token, first->token);
}

TEST_F(NoticeTokenTest, RefusesAnAddressThatIsNoInfectedHost) {
    auto issued = issueNotice(*store_, *IpAddress::parse("192.0.2.1"), kT0);
    ASSERT_FALSE(issued);
    EXPECT_NE(issued.error().message.find("not an infected host"), std::string::npos);
}

} // namespace
} // namespace kansoku::share::notice

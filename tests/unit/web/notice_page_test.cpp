#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "common/attacker_text.h"
#include "web/notice_page.h"

namespace kansoku::web {
namespace {

constexpr Timestamp kFirst = 1'796'000'000'000'000; // 2026-11-30T00:53:20Z = 09:53 JST
constexpr Timestamp kLast = kFirst + 36 * 3'600'000'000LL;

NoticeView view(std::string family = "mirai") {
    NoticeView v;
    v.ip = "198.51.100.7";
    v.family = std::move(family);
    v.first_seen = kFirst;
    v.last_seen = kLast;
    v.expires = kFirst + 30LL * 86'400'000'000LL;
    v.activity.login = true;
    v.activity.download = true;
    return v;
}

bool has(const std::string& page, std::string_view text) {
    return page.find(text) != std::string::npos;
}

TEST(NoticePage, EnglishShowsWhatWhenWhichAndWhatToDo) {
    const std::string page = renderNoticePage(view(), NoticeLanguage::En);
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">")) << page.substr(0, 80);
    EXPECT_TRUE(has(page, "<meta charset=\"utf-8\">"));
    EXPECT_TRUE(has(page, "198.51.100.7"));
    EXPECT_TRUE(has(page, "<strong>mirai</strong>"));
    EXPECT_TRUE(has(page, "30 November 2026, 00:53 UTC")) << page;
    EXPECT_TRUE(has(page, "1 December 2026, 12:53 UTC"));
    EXPECT_TRUE(has(page, "30 December 2026")) << "the expiry";
    EXPECT_TRUE(has(page, "tried to log in to our observation systems"));
    EXPECT_TRUE(has(page, "download and run a harmful program"));
    EXPECT_FALSE(has(page, "sent probes")) << "no scanning was seen";
    for (const auto* advice : {"Change default passwords", "Update.", "Restart, and reset if needed", "Keep backups",
                               "Do not open links or attachments", "Do not publish personal details"}) {
        EXPECT_TRUE(has(page, advice)) << advice;
    }
    EXPECT_TRUE(has(page, "href=\"?lang=ja\""));
    EXPECT_FALSE(has(page, "<script"));
    EXPECT_FALSE(has(page, "http://"));
    EXPECT_FALSE(has(page, "https://"));
}

TEST(NoticePage, JapaneseUsesJapanTime) {
    const std::string page = renderNoticePage(view(), NoticeLanguage::Ja);
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    EXPECT_TRUE(has(page, "2026年11月30日 9時53分（日本時間）")) << page;
    EXPECT_TRUE(has(page, "2026年12月1日 21時53分（日本時間）"));
    EXPECT_TRUE(has(page, "初期設定のパスワードを変更してください"));
    EXPECT_TRUE(has(page, "バックアップ"));
    EXPECT_TRUE(has(page, "個人情報を公開しないでください"));
    EXPECT_TRUE(has(page, "Miraiとその派生プログラム"));
    EXPECT_TRUE(has(page, "href=\"?lang=en\""));
}

TEST(NoticePage, HostileFamilyIsEscaped) {
    for (const auto language : {NoticeLanguage::En, NoticeLanguage::Ja}) {
        const std::string page = renderNoticePage(view("<script>alert(1)</script>\"'&<img src=x onerror=y>"), language);
        EXPECT_FALSE(has(page, "<script>"));
        EXPECT_FALSE(has(page, "<img"));
        EXPECT_TRUE(has(page, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img src=x onerror=y&gt;"));
    }
    const std::string broken = renderNoticePage(view("bad\xff\xfe"), NoticeLanguage::En);
    EXPECT_TRUE(has(broken, "bad\xef\xbf\xbd")) << "ill-formed UTF-8 is replaced";
}

TEST(NoticePage, UnknownFamilyAndNoActivitySayItPlainly) {
    NoticeView v = view("unknown");
    v.activity = {};
    const std::string page = renderNoticePage(v, NoticeLanguage::En);
    EXPECT_TRUE(has(page, "not identified"));
    EXPECT_TRUE(has(page, "behaved the way devices infected with malware behave"));
}

TEST(NoticePage, InvalidPageSaysSoInBothLanguagesWithoutAnyHostData) {
    const std::string en = renderInvalidNoticePage(NoticeLanguage::En);
    const std::string ja = renderInvalidNoticePage(NoticeLanguage::Ja);
    EXPECT_TRUE(has(en, "This link is invalid or has expired"));
    EXPECT_TRUE(has(ja, "このリンクは無効か、有効期限が切れています"));
    EXPECT_FALSE(has(en, "198.51.100"));
}

TEST(NoticePage, PolicyAllowsExactlyTheInlineStyle) {
    const std::string& policy = noticeContentSecurityPolicy();
    EXPECT_TRUE(policy.starts_with("default-src 'none'; style-src 'sha256-")) << policy;
    EXPECT_TRUE(has(policy, "frame-ancestors 'none'"));
    // The hash is of the <style> element's text: recompute from the page.
    const std::string page = renderInvalidNoticePage(NoticeLanguage::En);
    const auto open = page.find("<style>") + 7;
    const auto close = page.find("</style>");
    ASSERT_LT(open, close);
    EXPECT_EQ(page.find("<style>", open), std::string::npos) << "one inline style only";
    const std::string style = page.substr(open, close - open);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(style.data()), style.size(), digest);
    const std::string hash = base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
    EXPECT_TRUE(has(policy, "style-src 'sha256-" + hash + "'")) << policy;
}

TEST(NoticeLanguageChoice, AcceptLanguageWeights) {
    EXPECT_EQ(acceptedLanguage("ja"), NoticeLanguage::Ja);
    EXPECT_EQ(acceptedLanguage("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"), NoticeLanguage::Ja);
    EXPECT_EQ(acceptedLanguage("en-US,en;q=0.9,ja;q=0.8"), NoticeLanguage::En);
    EXPECT_EQ(acceptedLanguage("fr-FR, ja;q=0.5, en;q=0.6"), NoticeLanguage::En);
    EXPECT_EQ(acceptedLanguage("de, fr;q=0.8"), std::nullopt);
    EXPECT_EQ(acceptedLanguage("ja;q=0, en;q=0.1"), NoticeLanguage::En);
    EXPECT_EQ(acceptedLanguage(""), std::nullopt);
    EXPECT_EQ(acceptedLanguage(";;;,,,q=,ja;q=abc"), std::nullopt);
    EXPECT_EQ(parseNoticeLanguage("JA"), NoticeLanguage::Ja);
    EXPECT_EQ(parseNoticeLanguage("jp"), std::nullopt);
}

TEST(NoticeView, CarriesOnlyTheHostsOwnFacts) {
    store::InfectedHostRecord host;
    host.ip = *IpAddress::parse("198.51.100.7");
    host.family = "mirai";
    host.reasons = {"logged in to sensor tokyo-1 from 198.51.100.7 and downloaded from 203.0.113.66"};
    host.evidence = {{"darknet.scan", kFirst, "tokyo-1", "tcp/23"},
                     {"honeypot.download", kLast, "osaka-2", "http://203.0.113.66/bins/x86"}};
    host.first_seen = kFirst;
    host.last_seen = kLast;
    host.notice_expires = kLast + 1;
    const NoticeView v = noticeView(host);
    EXPECT_TRUE(v.activity.scanning);
    EXPECT_TRUE(v.activity.download);
    EXPECT_FALSE(v.activity.login);
    for (const auto language : {NoticeLanguage::En, NoticeLanguage::Ja}) {
        const std::string page = renderNoticePage(v, language);
        EXPECT_FALSE(has(page, "tokyo-1"));
        EXPECT_FALSE(has(page, "osaka-2"));
        EXPECT_FALSE(has(page, "203.0.113.66"));
        EXPECT_FALSE(has(page, "tcp/23"));
    }
}

} // namespace
} // namespace kansoku::web

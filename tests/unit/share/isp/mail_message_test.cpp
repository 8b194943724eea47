#include <gtest/gtest.h>

#include "common/attacker_text.h"
#include "host_fixture.h"
#include "share/isp/mail_message.h"

namespace kansoku::share::isp {
namespace {

using testing::kT0;

MailMessage message() {
    MailMessage m;
    m.from = "kansoku@cert.example";
    m.to = "abuse@isp-a.example";
    m.subject = "[kansoku] 感染ホスト報告";
    m.text = "line one\nline two\n";
    m.attachments = {{"report.csv", "text/csv; charset=utf-8", "ip\r\n192.0.2.1\r\n"}};
    m.date = kT0;
    m.message_id = "id-1@cert.example";
    return m;
}

TEST(MailMessage, ComposesAMultipartMessageWithTheAttachment) {
    const std::string mail = composeMail(message());
    EXPECT_NE(mail.find("From: kansoku@cert.example\r\n"), std::string::npos);
    EXPECT_NE(mail.find("To: abuse@isp-a.example\r\n"), std::string::npos);
    EXPECT_NE(mail.find("Date: Wed, 01 May 2024 12:00:00 +0000\r\n"), std::string::npos);
    EXPECT_NE(mail.find("MIME-Version: 1.0\r\n"), std::string::npos);
    EXPECT_NE(mail.find("Content-Type: multipart/mixed; boundary="), std::string::npos);
    EXPECT_NE(mail.find("Content-Disposition: attachment; filename=\"report.csv\""), std::string::npos);
    EXPECT_NE(mail.find(base64Encode("ip\r\n192.0.2.1\r\n")), std::string::npos);
    EXPECT_NE(mail.find(base64Encode("line one\r\nline two\r\n")), std::string::npos);
    EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos);
    // Every line ends in CRLF and none is longer than RFC 5322's 998 characters.
    size_t start = 0;
    while (start < mail.size()) {
        const size_t end = mail.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 998u);
        EXPECT_EQ(mail.substr(start, end - start).find('\n'), std::string::npos);
        start = end + 2;
    }
}

TEST(MailMessage, HeaderValuesCannotInjectHeaders) {
    MailMessage m = message();
    m.to = "abuse@isp-a.example\r\nBcc: someone@else.example";
    m.subject = "hi\r\nBcc: x@y.example";
    const std::string mail = composeMail(m);
    EXPECT_EQ(mail.find("\r\nBcc:"), std::string::npos);
}

TEST(MailMessage, EncodesNonAsciiHeaderTextInWholeCharacters) {
    EXPECT_EQ(encodeHeaderText("plain"), "plain");
    const std::string encoded = encodeHeaderText(std::string(30, 'a') + "感染ホスト報告感染ホスト報告");
    size_t words = 0;
    for (size_t at = encoded.find("=?UTF-8?B?"); at != std::string::npos; at = encoded.find("=?UTF-8?B?", at + 1)) {
        ++words;
        const size_t end = encoded.find("?=", at + 10);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end + 2 - at, 75u);
    }
    EXPECT_GE(words, 2u);
}

} // namespace
} // namespace kansoku::share::isp

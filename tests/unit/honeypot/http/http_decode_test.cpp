#include <gtest/gtest.h>

#include "honeypot/http/http_decode.h"

namespace kansoku::honeypot::http {
namespace {

TEST(HttpDecode, Percent) {
    EXPECT_EQ(percentDecode("a%20b%2fc+d", false), "a b/c+d");
    EXPECT_EQ(percentDecode("a%20b+d", true), "a b d");
    EXPECT_EQ(percentDecode("bad%zz%4", false), "bad%zz%4");
    EXPECT_EQ(percentDecode("%", false), "%");
    EXPECT_EQ(percentDecode("%41%", false), "A%");
}

TEST(HttpDecode, HtmlEntitiesOnce) {
    EXPECT_EQ(htmlEntityDecode("&lt;a&gt; &amp;amp; &#96;id&#x60; &quot;"), "<a> &amp; `id` \"");
    EXPECT_EQ(htmlEntityDecode("&unknown; &#; &#xZZ; &"), "&unknown; &#; &#xZZ; &");
    EXPECT_EQ(htmlEntityDecode("&#233;"), "\xC3\xA9");
    EXPECT_EQ(decodeOnce("%26lt%3B", false), "<");
}

TEST(HttpDecode, Utf8AndBase64) {
    EXPECT_TRUE(isValidUtf8("plain \xC3\xA9"));
    EXPECT_FALSE(isValidUtf8("\xC3"));
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80")); // surrogate
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));     // overlong
    EXPECT_EQ(toValidUtf8("a\xFF"
                          "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("f"), "Zg==");
    EXPECT_EQ(base64Encode("fo"), "Zm8=");
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

} // namespace
} // namespace kansoku::honeypot::http

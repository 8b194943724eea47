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
} // namespace
} // namespace kansoku::honeypot::http

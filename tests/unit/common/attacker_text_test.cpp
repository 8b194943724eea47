// The attacker-bytes rule (common/attacker_text.h): valid UTF-8 in the event, the exact bytes in
// `<field>_b64` when they were not. Ill-formed sequences from Unicode 15 section 3.9 / Table 3-7.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/attacker_text.h"
#include "support/base64_decode.h"

namespace kansoku {
namespace {

using namespace std::string_literals;
using testing::base64Decode;

const std::string kFffd = "\xEF\xBF\xBD";

TEST(AttackerText, ValidUtf8IsKeptAsIs) {
    for (const std::string& text : {""s, "admin"s, "caf\xC3\xA9"s, "\xE2\x82\xAC"s, "\xF0\x9F\x98\x80"s,
                                    "\xF4\x8F\xBF\xBF"s /* U+10FFFF */, "\x00\x7F"s}) {
        EXPECT_TRUE(isValidUtf8(text)) << text;
        EXPECT_EQ(toValidUtf8(text), text);
    }
}

TEST(AttackerText, InvalidSequencesAreRejected) {
    EXPECT_FALSE(isValidUtf8("\x80"));             // lone continuation byte
    EXPECT_FALSE(isValidUtf8("\xC3\x28"));         // lead followed by a non-continuation byte
    EXPECT_FALSE(isValidUtf8("\xC3"));             // truncated 2-byte sequence
    EXPECT_FALSE(isValidUtf8("\xE2\x82"));         // truncated 3-byte sequence
    EXPECT_FALSE(isValidUtf8("\xF0\x9F\x98"));     // truncated 4-byte sequence
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xC1\xBF"));         // overlong
    EXPECT_FALSE(isValidUtf8("\xE0\x80\xAF"));     // overlong 3-byte
    EXPECT_FALSE(isValidUtf8("\xF0\x80\x80\xAF")); // overlong 4-byte
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));     // surrogate U+D800
    EXPECT_FALSE(isValidUtf8("\xED\xBF\xBF"));     // surrogate U+DFFF
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")); // above U+10FFFF
    EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80")); // F5..FF never appear
    EXPECT_FALSE(isValidUtf8("\xFE\x80"
                             "admin")); // the telnet username
}

TEST(AttackerText, ReplacesMaximalSubpartsWithOneReplacementCharacterEach) {
    EXPECT_EQ(toValidUtf8("\x80"), kFffd);
    EXPECT_EQ(toValidUtf8("\xC3\x28"), kFffd + "(");
    EXPECT_EQ(toValidUtf8("a\xE2\x82"), "a" + kFffd); // truncated: one U+FFFD
    EXPECT_EQ(toValidUtf8("\xF0\x9F\x98"
                          "b"),
              kFffd + "b");                                        // maximal subpart of 3 bytes
    EXPECT_EQ(toValidUtf8("\xC0\xAF"), kFffd + kFffd);             // C0 is never a lead
    EXPECT_EQ(toValidUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd); // ED A0: A0 out of range
    EXPECT_EQ(toValidUtf8("\xFE\x80"
                          "admin"),
              kFffd + kFffd + "admin");
    EXPECT_TRUE(isValidUtf8(toValidUtf8("\xFF\xFE\xF4\x90\xE0\x80\xC2")));
}

TEST(AttackerText, Base64IsStandardWithPadding) {
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("f"), "Zg==");
    EXPECT_EQ(base64Encode("fo"), "Zm8=");
    EXPECT_EQ(base64Encode("foo"), "Zm9v");
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64Encode("\xFB\xFF"), "+/8=");
}

TEST(AttackerText, EventGetsB64OnlyWhenBytesWereNotUtf8) {
    Event event;
    addAttackerText(event, "username", "root");
    addAttackerText(event, "password",
                    "\xFE\x80"
                    "admin");
    addAttackerText(event, "input", "");
    const auto& f = event.fields;
    EXPECT_EQ(f["username"], "root");
    EXPECT_FALSE(f.contains("username_b64"));
    EXPECT_EQ(f["password"], kFffd + kFffd + "admin");
    EXPECT_EQ(base64Decode(f["password_b64"].get<std::string>()), "\xFE\x80"
                                                                  "admin");
    EXPECT_EQ(f["input"], "");
    EXPECT_FALSE(f.contains("input_b64"));
    // Right after its field, so a reader finds the pair together.
    std::vector<std::string> keys;
    for (const auto& [key, value] : f.items()) {
        keys.push_back(key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"username", "password", "password_b64", "input"}));
    EXPECT_NO_THROW((void)event.toJson().dump());
}

TEST(AttackerText, ArraysGetAParallelB64ArrayWithNullForValidElements) {
    Event event;
    addAttackerTextArray(event, "argv", {"wget", "\x80", "\xC3\x28"});
    addAttackerTextArray(event, "clean", {"a", "b"});
    addAttackerTextArray(event, "none", {});
    const auto& f = event.fields;
    EXPECT_EQ(f["argv"], (nlohmann::ordered_json{"wget", kFffd, kFffd + "("}));
    ASSERT_EQ(f["argv_b64"].size(), 3U);
    EXPECT_TRUE(f["argv_b64"][0].is_null());
    EXPECT_EQ(base64Decode(f["argv_b64"][1].get<std::string>()), "\x80");
    EXPECT_EQ(base64Decode(f["argv_b64"][2].get<std::string>()), "\xC3\x28");
    EXPECT_FALSE(f.contains("clean_b64"));
    EXPECT_TRUE(f["none"].empty());
    EXPECT_FALSE(f.contains("none_b64"));
}

TEST(AttackerText, ObjectsAndMaps) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    setAttackerText(object, "url", "http://192.0.2.1/\xFF");
    EXPECT_EQ(object["url"], "http://192.0.2.1/" + kFffd);
    EXPECT_EQ(base64Decode(object["url_b64"].get<std::string>()), "http://192.0.2.1/\xFF");
    setAttackerTextMap(object, "headers", {{"Host", "a"}, {"X\x80", "v"}, {"Y", "\xC3"}});
    EXPECT_EQ(object["headers"]["Host"], "a");
    EXPECT_EQ(object["headers"]["X" + kFffd], "v");
    ASSERT_EQ(object["headers_b64"].size(), 2U);
    EXPECT_EQ(base64Decode(object["headers_b64"]["X" + kFffd]["name"].get<std::string>()), "X\x80");
    EXPECT_EQ(base64Decode(object["headers_b64"]["Y"]["value"].get<std::string>()), "\xC3");
    nlohmann::ordered_json clean = nlohmann::ordered_json::object();
    setAttackerTextMap(clean, "headers", {{"Host", "a"}});
    EXPECT_FALSE(clean.contains("headers_b64"));
}

TEST(AttackerText, PrefixDoesNotSplitACharacter) {
    EXPECT_EQ(utf8Prefix("abc", 5), "abc");
    EXPECT_EQ(utf8Prefix("abc", 2), "ab");
    EXPECT_EQ(utf8Prefix("a\xC3\xA9", 2), "a");          // would cut the é in two
    EXPECT_EQ(utf8Prefix("a\xF0\x9F\x98\x80z", 4), "a"); // would cut the emoji
    EXPECT_EQ(utf8Prefix("a\xF0\x9F\x98\x80z", 5), "a\xF0\x9F\x98\x80");
    EXPECT_EQ(utf8Prefix("a\x80\x80\x80", 2), "a\x80"); // bytes that are not UTF-8: cut as they are
    EXPECT_EQ(utf8Prefix("", 0), "");
}

} // namespace
} // namespace kansoku

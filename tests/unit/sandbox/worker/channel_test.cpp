// The worker channel's framing: round trips however the bytes arrive, and every way a frame can be wrong (bad
// length, oversize, not JSON, not an object, too deep), after which the decoder stays broken.

#include <string>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/worker/channel.h"

namespace kansoku::sandbox::worker {
namespace {

using Json = nlohmann::ordered_json;

std::string frame(const Json& message, size_t cap = 1024) {
    auto encoded = encodeFrame(message, cap);
    EXPECT_TRUE(encoded) << (encoded ? "" : encoded.error().message);
    return encoded ? *encoded : std::string();
}

std::string header(uint32_t n) {
    return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n)};
}

/// The decoder's error after `bytes`, or "" when it gave no error.
std::string errorAfter(const std::string& bytes, size_t cap = 1024) {
    FrameDecoder decoder(cap);
    decoder.feed(bytes);
    auto next = decoder.next();
    return next ? std::string() : next.error().message;
}

TEST(Channel, FrameIsBigEndianLengthThenCompactJson) {
    const std::string bytes = frame(Json{{"type", "ready"}, {"pid", 7}});
    const std::string body = R"({"type":"ready","pid":7})";
    EXPECT_EQ(bytes, header(static_cast<uint32_t>(body.size())) + body);
}

TEST(Channel, RoundTripByteByByteAndSeveralFramesAtOnce) {
    const Json a{{"type", "job"}, {"id", 1}, {"args", {"x", "\xc3\xa9"}}};
    const Json b{{"type", "job"}, {"id", 2}};
    const std::string bytes = frame(a) + frame(b);
    FrameDecoder slow(1024);
    std::vector<Json> got;
    for (char c : bytes) {
        slow.feed(std::string(1, c));
        while (true) {
            auto next = slow.next();
            ASSERT_TRUE(next);
            if (!*next) {
                break;
            }
            got.push_back(**next);
        }
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], a);
    EXPECT_EQ(got[1], b);
    EXPECT_EQ(slow.pending(), 0u);

    FrameDecoder fast(1024);
    fast.feed(bytes);
    EXPECT_EQ(**fast.next(), a);
    EXPECT_EQ(**fast.next(), b);
    EXPECT_FALSE(*fast.next());
}

TEST(Channel, PartialFrameWaitsAndCountsAsPending) {
    FrameDecoder decoder(1024);
    const std::string bytes = frame(Json{{"k", 1}});
    decoder.feed(bytes.substr(0, 6));
    auto next = decoder.next();
    ASSERT_TRUE(next);
    EXPECT_FALSE(*next);
    EXPECT_EQ(decoder.pending(), 6u);
}

TEST(Channel, BadFramesAreErrorsAndTheDecoderStaysBroken) {
    EXPECT_NE(errorAfter(header(0)).find("empty frame"), std::string::npos);
    EXPECT_NE(errorAfter(header(1025)).find("exceeds the cap of 1024"), std::string::npos);
    EXPECT_NE(errorAfter(header(0xffffffff)).find("exceeds"), std::string::npos); // decided from the header alone
    EXPECT_NE(errorAfter(header(5) + "{\"a\":").find("not JSON"), std::string::npos);
    EXPECT_NE(errorAfter(header(3) + "\xff\xfe}").find("not JSON"), std::string::npos);
    EXPECT_NE(errorAfter(header(2) + "[]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(errorAfter(header(4) + "\"x\"\n").find("not a JSON object"), std::string::npos);
    // Invalid UTF-8 inside a string is not JSON either (RFC 8259 section 8.1).
    EXPECT_NE(errorAfter(header(10) + "{\"a\":\"\x80\"}  ").find("not JSON"), std::string::npos);
    std::string deep(40, '[');
    deep = "{\"a\":" + deep + std::string(40, ']') + "}";
    EXPECT_NE(errorAfter(header(static_cast<uint32_t>(deep.size())) + deep).find("nested deeper"), std::string::npos);

    FrameDecoder decoder(1024);
    decoder.feed(header(0));
    EXPECT_FALSE(decoder.next());
    decoder.feed(frame(Json{{"ok", true}}));
    EXPECT_FALSE(decoder.next());
    EXPECT_TRUE(decoder.failed());
}

TEST(Channel, EncodeRefusesWhatExceedsTheCap) {
    const Json big{{"text", std::string(2000, 'x')}};
    EXPECT_FALSE(encodeFrame(big, 1024));
    EXPECT_TRUE(encodeFrame(big, 4096));
}

TEST(Channel, WriteAndReadOverASocketPairWithEofBetweenAndInsideFrames) {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ASSERT_TRUE(writeFrame(fds[0], Json{{"n", 1}}, 1024));
    ASSERT_EQ(write(fds[0], "\0\0\0\x09{", 5), 5); // a frame cut short
    close(fds[0]);
    FrameDecoder decoder(1024);
    auto first = readFrame(fds[1], decoder);
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((**first)["n"], 1);
    auto cut = readFrame(fds[1], decoder);
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().message.find("middle of a message"), std::string::npos);
    close(fds[1]);

    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    close(fds[0]);
    FrameDecoder clean(1024);
    auto eof = readFrame(fds[1], clean);
    ASSERT_TRUE(eof);
    EXPECT_FALSE(*eof);
    close(fds[1]);
}

} // namespace
} // namespace kansoku::sandbox::worker

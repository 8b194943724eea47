#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/ssh/client_hello.h"
#include "support/hex.h"
#include "unit/honeypot/ssh/openssh_hello.h"

namespace kansoku::honeypot::ssh {
namespace {

using kansoku::testing::fromHex;

std::vector<uint8_t> openSshHello() {
    return fromHex(testing::kOpenSshHelloHex);
}

std::span<const uint8_t> bytesOf(const std::string& text) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

/// Builds "SSH-2.0-x\r\n" + one packet with `payload` (padding 4).
std::vector<uint8_t> withPacket(const std::vector<uint8_t>& payload, std::string version = "SSH-2.0-x\r\n") {
    std::vector<uint8_t> out(version.begin(), version.end());
    uint32_t length = static_cast<uint32_t>(payload.size() + 1 + 4);
    out.push_back(static_cast<uint8_t>(length >> 24));
    out.push_back(static_cast<uint8_t>(length >> 16));
    out.push_back(static_cast<uint8_t>(length >> 8));
    out.push_back(static_cast<uint8_t>(length));
    out.push_back(4);
    out.insert(out.end(), payload.begin(), payload.end());
    out.insert(out.end(), 4, 0);
    return out;
}

void appendNameList(std::vector<uint8_t>& out, const std::string& list) {
    uint32_t n = static_cast<uint32_t>(list.size());
    out.push_back(static_cast<uint8_t>(n >> 24));
    out.push_back(static_cast<uint8_t>(n >> 16));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
    out.insert(out.end(), list.begin(), list.end());
}

std::vector<uint8_t> kexinitPayload(const std::vector<std::string>& lists) {
    std::vector<uint8_t> payload{20};
    payload.insert(payload.end(), 16, 0xab);
    for (const auto& list : lists) {
        appendNameList(payload, list);
    }
    payload.push_back(0);
    payload.insert(payload.end(), 4, 0);
    return payload;
}

TEST(Md5HexTest, MatchesKnownDigests) {
    EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(ClientHelloTest, ParsesTheCapturedOpenSshHello) {
    auto bytes = openSshHello();
    ClientHello hello = parseClientHello(bytes);
    ASSERT_EQ(hello.status, HelloStatus::Complete) << hello.error;
    EXPECT_EQ(hello.version, testing::kOpenSshVersion);
    EXPECT_EQ(hello.hassh_algorithms, testing::kOpenSshHasshAlgorithms);
    EXPECT_EQ(hello.hassh, testing::kOpenSshHassh);
    EXPECT_EQ(hello.cmp_c2s, "none,zlib@openssh.com,zlib");
    EXPECT_NE(hello.host_key.find("ssh-ed25519"), std::string::npos);
}

TEST(ClientHelloTest, EveryPrefixNeedsMoreAndNeverFails) {
    auto bytes = openSshHello();
    for (size_t n = 0; n < bytes.size(); ++n) {
        ClientHello hello = parseClientHello(std::span<const uint8_t>(bytes.data(), n));
        ASSERT_EQ(hello.status, HelloStatus::NeedMore) << "prefix " << n << ": " << hello.error;
        if (hello.need_bytes != 0) {
            ASSERT_GT(hello.need_bytes, n);
            ASSERT_LE(hello.need_bytes, bytes.size());
        }
    }
}

TEST(ClientHelloTest, IncrementalParserMatchesOneShotForAnySplit) {
    auto bytes = openSshHello();
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{100}, size_t{2048}}) {
        ClientHelloParser parser;
        for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
            size_t n = std::min(chunk, bytes.size() - pos);
            parser.feed(std::span<const uint8_t>(bytes.data() + pos, n));
        }
        ASSERT_TRUE(parser.decided()) << "chunk " << chunk;
        EXPECT_EQ(parser.hello().hassh, testing::kOpenSshHassh) << "chunk " << chunk;
        EXPECT_EQ(parser.heapBytes(), 0u) << "the buffer is released once decided";
    }
}

TEST(ClientHelloTest, AcceptsABareLfAfterTheVersion) {
    auto bytes =
        withPacket(kexinitPayload({"kx", "hk", "enc", "enc2", "mac", "mac2", "none", "none", "", ""}), "SSH-2.0-Go\n");
    ClientHello hello = parseClientHello(bytes);
    ASSERT_EQ(hello.status, HelloStatus::Complete) << hello.error;
    EXPECT_EQ(hello.version, "SSH-2.0-Go");
    EXPECT_EQ(hello.hassh_algorithms, "kx;enc;mac;none");
    EXPECT_EQ(hello.hassh, md5Hex("kx;enc;mac;none"));
}

TEST(ClientHelloTest, RejectsGarbageInsteadOfAVersionLine) {
    for (const std::string& garbage : {std::string("GET / HTTP/1.1\r\n"), std::string("\x16\x03\x01\x02\x00", 5),
                                       std::string("ssh-2.0-lower\r\n"), std::string("S\0H-", 4)}) {
        ClientHello hello = parseClientHello(bytesOf(garbage));
        EXPECT_EQ(hello.status, HelloStatus::Invalid) << garbage;
        EXPECT_TRUE(hello.version.empty());
    }
    std::string with_nul("SSH-2.0-a\0b\r\n", 13);
    EXPECT_EQ(parseClientHello(bytesOf(with_nul)).status, HelloStatus::Invalid);
    std::string ssh1 = "SSH-1.5-old\r\n";
    EXPECT_EQ(parseClientHello(bytesOf(ssh1)).status, HelloStatus::Invalid);
    std::string too_long = "SSH-2.0-" + std::string(300, 'a');
    EXPECT_EQ(parseClientHello(bytesOf(too_long)).error, "version line too long");
    std::string unfinished = "SSH-2.0-" + std::string(100, 'a');
    EXPECT_EQ(parseClientHello(bytesOf(unfinished)).status, HelloStatus::NeedMore);
}

TEST(ClientHelloTest, RejectsBadPackets) {
    std::string version = "SSH-2.0-x\r\n";
    // packet_length larger than allowed
    std::string huge = version + std::string("\x7f\xff\xff\xff\x04", 5);
    EXPECT_EQ(parseClientHello(bytesOf(huge)).error, "bad packet length");
    // padding_length >= packet_length
    std::string bad_padding = version + std::string("\x00\x00\x00\x20\x30", 5) + std::string(0x20, 'a');
    EXPECT_EQ(parseClientHello(bytesOf(bad_padding)).error, "bad padding length");
    // not KEXINIT (message 21 = NEWKEYS)
    std::vector<uint8_t> newkeys(17, 0);
    newkeys[0] = 21;
    EXPECT_EQ(parseClientHello(withPacket(newkeys)).error, "first packet is not KEXINIT");
    // a name-list whose length runs past the packet
    auto payload = kexinitPayload({"kx"});
    payload[17 + 3] = 0xff;
    EXPECT_EQ(parseClientHello(withPacket(payload)).error, "malformed KEXINIT");
    // too few name-lists
    EXPECT_EQ(parseClientHello(withPacket(kexinitPayload({"kx", "hk", "enc"}))).error, "malformed KEXINIT");
    // a control byte in a name
    EXPECT_EQ(
        parseClientHello(withPacket(kexinitPayload({"k\x01x", "hk", "e", "e", "m", "m", "c", "c", "", ""}))).status,
        HelloStatus::Invalid);
}

TEST(ClientHelloTest, TruncatedCapturesAreNeverComplete) {
    auto bytes = openSshHello();
    // Corrupt the packet length so the packet claims more than was sent: still NeedMore.
    auto longer = bytes;
    size_t line = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()).find('\n') + 1;
    longer[line + 2] += 1; // +256 bytes
    ClientHello hello = parseClientHello(longer);
    EXPECT_EQ(hello.status, HelloStatus::NeedMore);
    EXPECT_EQ(hello.need_bytes, bytes.size() + 256);
}

} // namespace
} // namespace kansoku::honeypot::ssh

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

#include "common/byte_reader.h"

namespace kansoku {
namespace {

constexpr std::array<uint8_t, 8> kBytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

TEST(ByteReader, ReadsEachWidthInBothOrders) {
    ByteReader be(kBytes);
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    ASSERT_TRUE(be.readU8(u8));
    ASSERT_TRUE(be.readU16BE(u16));
    ASSERT_TRUE(be.readU32BE(u32));
    EXPECT_EQ(u8, 0x01);
    EXPECT_EQ(u16, 0x0203);
    EXPECT_EQ(u32, 0x04050607U);
    EXPECT_EQ(be.position(), 7U);
    EXPECT_EQ(be.remaining(), 1U);

    ByteReader le(kBytes);
    ASSERT_TRUE(le.readU16LE(u16));
    ASSERT_TRUE(le.readU32LE(u32));
    EXPECT_EQ(u16, 0x0201);
    EXPECT_EQ(u32, 0x06050403U);

    uint64_t u64 = 0;
    ByteReader be64(kBytes);
    ASSERT_TRUE(be64.readU64BE(u64));
    EXPECT_EQ(u64, 0x0102030405060708ULL);
    ByteReader le64(kBytes);
    ASSERT_TRUE(le64.readU64LE(u64));
    EXPECT_EQ(u64, 0x0807060504030201ULL);
    ByteReader chosen(kBytes);
    ASSERT_TRUE(chosen.read(u16, ByteOrder::Little));
    EXPECT_EQ(u16, 0x0201);
}

TEST(ByteReader, AReadThatDoesNotFitFailsAndChangesNothing) {
    ByteReader r(std::span<const uint8_t>(kBytes).first(3));
    uint32_t u32 = 0xdeadbeef;
    EXPECT_FALSE(r.readU32BE(u32));
    EXPECT_EQ(u32, 0xdeadbeefU);
    EXPECT_EQ(r.position(), 0U);
    uint16_t u16 = 0;
    ASSERT_TRUE(r.readU16BE(u16));
    EXPECT_FALSE(r.readU16BE(u16));
    EXPECT_EQ(u16, 0x0102);
    EXPECT_EQ(r.position(), 2U);
    EXPECT_FALSE(r.skip(2));
    EXPECT_TRUE(r.skip(1));
    EXPECT_EQ(r.remaining(), 0U);
    uint8_t u8 = 0;
    EXPECT_FALSE(r.readU8(u8));
    EXPECT_TRUE(r.rest().empty());
}

TEST(ByteReader, SeekAndReadBytesStayInside) {
    ByteReader r(kBytes);
    EXPECT_TRUE(r.seek(8)); // the end is a position
    EXPECT_FALSE(r.seek(9));
    EXPECT_FALSE(r.seek(UINT64_MAX));
    EXPECT_EQ(r.position(), 8U);
    ASSERT_TRUE(r.seek(6));
    std::span<const uint8_t> out;
    EXPECT_FALSE(r.readBytes(3, out));
    EXPECT_FALSE(r.readBytes(UINT64_MAX, out));
    ASSERT_TRUE(r.readBytes(2, out));
    EXPECT_EQ(out.data(), kBytes.data() + 6);
    EXPECT_EQ(out.size(), 2U);
    EXPECT_FALSE(r.skip(UINT64_MAX));
}

TEST(ByteReader, UncheckedLoadsAndStoresRoundTrip) {
    EXPECT_EQ(loadU16BE(kBytes.data()), 0x0102);
    EXPECT_EQ(loadU32BE(kBytes.data()), 0x01020304U);
    EXPECT_EQ(loadU64BE(kBytes.data()), 0x0102030405060708ULL);
    EXPECT_EQ(loadU16LE(kBytes.data()), 0x0201);
    EXPECT_EQ(loadU32LE(kBytes.data()), 0x04030201U);
    EXPECT_EQ(loadU64LE(kBytes.data()), 0x0807060504030201ULL);
    std::array<uint8_t, 6> out{};
    storeU16BE(out.data(), 0xa1b2);
    storeU32BE(out.data() + 2, 0xc3d4e5f6U);
    EXPECT_EQ(out, (std::array<uint8_t, 6>{0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6}));
}

} // namespace
} // namespace kansoku

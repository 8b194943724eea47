// Capture files: PcapSource (libpcap) and openCaptureFile() (PcapFileReader for classic pcap,
// libpcap otherwise) on pcap written with PcapWriter and pcap/pcapng written by hand, and their
// one-line errors for files that are missing, not captures, truncated, or of a link type we do not
// decode. The two readers are also run side by side on the same files and must agree.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "capture/packet_decoder.h"
#include "capture/pcap_file_reader.h"
#include "capture/pcap_source.h"
#include "capture/pcap_writer.h"
#include "capture_test_support.h"

namespace kansoku::capture {
namespace {

using testing::Bytes;
using testing::ip;
using testing::TempDir;

struct CapturedPacket {
    Bytes data;
    uint32_t wire_length;
    Timestamp ts;
};

class Collector final : public PacketHandler {
public:
    void onPacket(const RawPacket& packet) override {
        packets.push_back({Bytes(packet.data, packet.data + packet.captured_length), packet.wire_length, packet.ts});
    }
    void onBatchEnd() override { ++batch_ends; }
    std::vector<CapturedPacket> packets;
    size_t batch_ends = 0;
};

/// Dispatches until the end of the file or an error; returns the last status.
Result<DispatchStatus> drain(PacketSource& source, PacketHandler& handler, int batch = 16) {
    for (int calls = 0; calls < 10000; ++calls) {
        auto status = source.dispatch(handler, batch);
        if (!status || *status != DispatchStatus::Packets) {
            return status;
        }
    }
    return fail("dispatch never reached the end");
}

void writeFile(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/// The error must be one line, name the file and say something.
void expectOneLineErrorNaming(const Error& error, const std::string& path) {
    EXPECT_NE(error.message.find(path), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
    EXPECT_GT(error.message.size(), path.size() + 4) << error.message;
}

constexpr Timestamp kT0 = 1'714'564'800'000'001; // 2024-05-01T12:00:00.000001Z

/// Three frames: a SYN with MSS (58 bytes), a UDP datagram, an ICMP echo.
std::vector<Bytes> sampleFrames() {
    PacketBuilder builder;
    std::vector<Bytes> frames;
    frames.push_back(testing::toBytes(
        builder.tcp({ip("198.51.100.7"), ip("203.0.113.10"), 243, 1}, {54321, 23, 7, 0, tcp_flag::kSyn, 1024, 1460})));
    const uint8_t payload[] = {'h', 'e', 'l', 'l', 'o'};
    frames.push_back(testing::toBytes(builder.udp({ip("198.51.100.8"), ip("203.0.113.11")}, 5060, 5060, payload)));
    frames.push_back(testing::toBytes(builder.icmp({ip("198.51.100.9"), ip("203.0.113.12")}, 8, 0, 0x00010001)));
    return frames;
}

/// Writes sampleFrames() to `path`; the first is cut to 40 captured bytes of its 58.
void writeSamplePcap(const std::string& path, int dlt = 1) {
    auto writer = PcapWriter::create(path, dlt);
    ASSERT_TRUE(writer) << writer.error().message;
    const auto frames = sampleFrames();
    (*writer)->write(kT0, frames[0].data(), 40, static_cast<uint32_t>(frames[0].size()));
    (*writer)->write(kT0 + 999'999, frames[1].data(), static_cast<uint32_t>(frames[1].size()));
    (*writer)->write(kT0 + 3'600 * kMicrosPerSecond, frames[2].data(), static_cast<uint32_t>(frames[2].size()));
    auto closed = (*writer)->close();
    ASSERT_TRUE(closed) << closed.error().message;
}

enum class Reader {
    Libpcap, ///< PcapSource::openFile
    Auto,    ///< openCaptureFile: PcapFileReader for classic pcap, else libpcap
};

Result<std::unique_ptr<PacketSource>> openWith(Reader reader, const std::string& path) {
    if (reader == Reader::Auto) {
        return openCaptureFile(path);
    }
    auto source = PcapSource::openFile(path);
    if (!source) {
        return fail(std::move(source.error()));
    }
    return std::unique_ptr<PacketSource>(std::move(*source));
}

std::string readerName(const ::testing::TestParamInfo<Reader>& param_info) {
    return param_info.param == Reader::Libpcap ? "Libpcap" : "OpenCaptureFile";
}

/// A classic pcap file written by hand (pcap-savefile(5)), in either byte order and with
/// microsecond or nanosecond timestamps.
class ClassicPcap {
public:
    explicit ClassicPcap(bool big_endian = false, bool nanoseconds = false, uint32_t link_type = 1,
                         uint32_t snaplen = 65535)
        : big_endian_(big_endian) {
        put32(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
        put16(2);
        put16(4);
        put32(0); // thiszone
        put32(0); // sigfigs
        put32(snaplen);
        put32(link_type);
    }
    /// `fraction` is in the file's unit (micro- or nanoseconds).
    void record(uint32_t seconds, uint32_t fraction, const Bytes& data, uint32_t wire_length,
                int captured_length = -1) {
        put32(seconds);
        put32(fraction);
        const size_t captured = captured_length < 0 ? data.size() : static_cast<size_t>(captured_length);
        put32(static_cast<uint32_t>(captured));
        put32(wire_length);
        bytes_.insert(bytes_.end(), data.begin(),
                      data.begin() + static_cast<std::ptrdiff_t>(std::min(captured, data.size())));
    }
    const Bytes& bytes() const { return bytes_; }
    void patch32(size_t at, uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            const int shift = big_endian_ ? 24 - 8 * i : 8 * i;
            bytes_[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> shift);
        }
    }

private:
    void put16(uint16_t v) {
        if (big_endian_) {
            bytes_.push_back(static_cast<uint8_t>(v >> 8));
            bytes_.push_back(static_cast<uint8_t>(v));
        } else {
            bytes_.push_back(static_cast<uint8_t>(v));
            bytes_.push_back(static_cast<uint8_t>(v >> 8));
        }
    }
    void put32(uint32_t v) {
        if (big_endian_) {
            put16(static_cast<uint16_t>(v >> 16));
            put16(static_cast<uint16_t>(v));
        } else {
            put16(static_cast<uint16_t>(v));
            put16(static_cast<uint16_t>(v >> 16));
        }
    }

    bool big_endian_;
    Bytes bytes_;
};

/// Little-endian pcapng writer (draft-ietf-opsawg-pcapng): SHB, IDB, EPB.
class PcapngBuilder {
public:
    PcapngBuilder() {
        // Section Header Block: byte-order magic, version 1.0, section length unknown (-1).
        begin(0x0a0d0d0a);
        put32(0x1a2b3c4d);
        put16(1);
        put16(0);
        put32(0xffffffff);
        put32(0xffffffff);
        end();
    }
    /// Interface Description Block; `tsresol` is the if_tsresol option (6 = microseconds, the default).
    void interface(uint16_t link_type, int tsresol = -1) {
        begin(1);
        put16(link_type);
        put16(0);
        put32(65535); // snaplen
        if (tsresol >= 0) {
            put16(9); // if_tsresol
            put16(1);
            bytes_.push_back(static_cast<uint8_t>(tsresol));
            pad();
            put32(0); // opt_endofopt
        }
        end();
    }
    /// Enhanced Packet Block; `ts` in the interface's units.
    void packet(uint64_t ts, const Bytes& data, uint32_t original_length) {
        begin(6);
        put32(0); // interface id
        put32(static_cast<uint32_t>(ts >> 32));
        put32(static_cast<uint32_t>(ts));
        put32(static_cast<uint32_t>(data.size()));
        put32(original_length);
        bytes_.insert(bytes_.end(), data.begin(), data.end());
        pad();
        end();
    }
    const Bytes& bytes() const { return bytes_; }

private:
    void put16(uint16_t v) {
        bytes_.push_back(static_cast<uint8_t>(v));
        bytes_.push_back(static_cast<uint8_t>(v >> 8));
    }
    void put32(uint32_t v) {
        put16(static_cast<uint16_t>(v));
        put16(static_cast<uint16_t>(v >> 16));
    }
    void pad() {
        while (bytes_.size() % 4 != 0) {
            bytes_.push_back(0);
        }
    }
    void begin(uint32_t type) {
        block_start_ = bytes_.size();
        put32(type);
        put32(0); // total length, patched in end()
    }
    void end() {
        const auto length = static_cast<uint32_t>(bytes_.size() - block_start_ + 4);
        put32(length);
        for (int i = 0; i < 4; ++i) {
            bytes_[block_start_ + 4 + static_cast<size_t>(i)] = static_cast<uint8_t>(length >> (8 * i));
        }
    }

    Bytes bytes_;
    size_t block_start_ = 0;
};

class CaptureFileTest : public ::testing::TestWithParam<Reader> {
protected:
    Result<std::unique_ptr<PacketSource>> open(const std::string& path) const { return openWith(GetParam(), path); }
    TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Readers, CaptureFileTest, ::testing::Values(Reader::Libpcap, Reader::Auto), readerName);

// ---- errors ----------------------------------------------------------------------------------

TEST_P(CaptureFileTest, MissingFile) {
    const std::string path = dir_.file("missing.pcap");
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
    EXPECT_NE(source.error().message.find("No such file"), std::string::npos) << source.error().message;
}

TEST_P(CaptureFileTest, Directory) {
    auto source = open(dir_.path().string());
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), dir_.path().string());
    EXPECT_NE(source.error().message.find("directory"), std::string::npos) << source.error().message;
}

TEST_P(CaptureFileTest, EmptyFile) {
    const std::string path = dir_.file("empty.pcap");
    writeFile(path, {});
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
    EXPECT_NE(source.error().message.find("empty"), std::string::npos) << source.error().message;
}

TEST_P(CaptureFileTest, TextFileIsNotACapture) {
    const std::string path = dir_.file("notes.txt");
    const std::string text = "this is not a capture\nsecond line\n";
    writeFile(path, Bytes(text.begin(), text.end()));
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
}

TEST_P(CaptureFileTest, FileShorterThanPcapHeader) {
    const Bytes header = ClassicPcap().bytes();
    for (size_t length = 1; length < header.size(); ++length) {
        const std::string path = dir_.file("short.pcap");
        writeFile(path, Bytes(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(length)));
        auto source = open(path);
        ASSERT_FALSE(source) << length;
        expectOneLineErrorNaming(source.error(), path);
    }
}

TEST_P(CaptureFileTest, UnsupportedPcapVersion) {
    ClassicPcap pcap;
    pcap.patch32(4, 0x00040003); // version 3.4, little-endian fields
    const std::string path = dir_.file("v3.pcap");
    writeFile(path, pcap.bytes());
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
}

TEST_P(CaptureFileTest, TruncatedRecordIsADispatchError) {
    const std::string full = dir_.file("full.pcap");
    writeSamplePcap(full);
    const auto size = std::filesystem::file_size(full);
    // 24-byte file header, then records of 16-byte header + 40, 47 and 42 bytes.
    ASSERT_EQ(size, 24U + (16 + 40) + (16 + 47) + (16 + 42));

    struct Cut {
        const char* name;
        uintmax_t length;
        size_t packets_before_error;
    };
    const Cut cuts[] = {
        {"half a record header", 24 + 8, 0},
        {"record header, half the data", 24 + 16 + 20, 0},
        {"record header only", 24 + 16, 0},
        {"one record, then half a record header", 24 + 56 + 8, 1},
        {"one record, then half a record", 24 + 56 + 16 + 23, 1},
        {"last record one byte short", size - 1, 2},
    };
    for (const Cut& cut : cuts) {
        SCOPED_TRACE(cut.name);
        const std::string path = dir_.file("cut.pcap");
        std::filesystem::copy_file(full, path, std::filesystem::copy_options::overwrite_existing);
        std::filesystem::resize_file(path, cut.length);
        auto source = open(path);
        ASSERT_TRUE(source) << source.error().message;
        Collector collector;
        auto status = drain(**source, collector);
        ASSERT_FALSE(status) << "a truncated file must end in an error, not a clean end";
        expectOneLineErrorNaming(status.error(), path);
        EXPECT_NE(status.error().message.find("truncated"), std::string::npos) << status.error().message;
        EXPECT_EQ(collector.packets.size(), cut.packets_before_error);
    }

    // Cut exactly between records: a clean end after the whole records.
    const std::string path = dir_.file("between.pcap");
    std::filesystem::copy_file(full, path);
    std::filesystem::resize_file(path, 24 + 56);
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    Collector collector;
    auto status = drain(**source, collector);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(*status, DispatchStatus::End);
    EXPECT_EQ(collector.packets.size(), 1U);
}

TEST_P(CaptureFileTest, HeaderOnlyFileHasNoPackets) {
    const std::string path = dir_.file("header-only.pcap");
    writeFile(path, ClassicPcap().bytes());
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    Collector collector;
    auto status = (*source)->dispatch(collector, 10);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(*status, DispatchStatus::End);
    EXPECT_TRUE(collector.packets.empty());
}

TEST_P(CaptureFileTest, OversizedRecordIsAnError) {
    // A record header claiming more than any link layer allows (libpcap's 256 KiB limit).
    ClassicPcap pcap;
    pcap.record(1, 0, Bytes(64, 0xab), 64, 0x7fffffff);
    const std::string path = dir_.file("huge.pcap");
    writeFile(path, pcap.bytes());
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    Collector collector;
    auto status = drain(**source, collector);
    ASSERT_FALSE(status);
    expectOneLineErrorNaming(status.error(), path);
    EXPECT_TRUE(collector.packets.empty());
}

TEST_P(CaptureFileTest, UnsupportedLinkType) {
    const std::string path = dir_.file("user0.pcap");
    writeSamplePcap(path, 147); // DLT_USER0
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
    EXPECT_NE(source.error().message.find("147"), std::string::npos) << source.error().message;
    EXPECT_NE(source.error().message.find("not supported"), std::string::npos) << source.error().message;
}

// ---- pcap round trip -------------------------------------------------------------------------

TEST_P(CaptureFileTest, PcapWriterRoundTrip) {
    const std::string path = dir_.file("sample.pcap");
    writeSamplePcap(path);
    const auto frames = sampleFrames();

    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->linkType(), LinkType::Ethernet);
    EXPECT_EQ((*source)->name(), "capture " + path);
    EXPECT_EQ((*source)->bytesTotal(), std::filesystem::file_size(path));

    Collector collector;
    auto first = (*source)->dispatch(collector, 2);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(*first, DispatchStatus::Packets);
    EXPECT_EQ(collector.packets.size(), 2U);
    auto status = drain(**source, collector);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(*status, DispatchStatus::End);
    ASSERT_EQ(collector.packets.size(), 3U);
    // Past the end it stays at the end.
    auto again = (*source)->dispatch(collector, 10);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, DispatchStatus::End);

    // Timestamps in microseconds, captured and wire lengths, bytes.
    EXPECT_EQ(collector.packets[0].ts, kT0);
    EXPECT_EQ(collector.packets[1].ts, kT0 + 999'999);
    EXPECT_EQ(collector.packets[2].ts, kT0 + 3'600 * kMicrosPerSecond);
    EXPECT_EQ(collector.packets[0].data, Bytes(frames[0].begin(), frames[0].begin() + 40));
    EXPECT_EQ(collector.packets[0].wire_length, 58U);
    EXPECT_EQ(collector.packets[1].data, frames[1]);
    EXPECT_EQ(collector.packets[1].wire_length, frames[1].size());
    EXPECT_EQ(collector.packets[2].data, frames[2]);

    EXPECT_EQ((*source)->stats().received, 3U);
    EXPECT_EQ((*source)->stats().dropped_kernel, 0U);
    EXPECT_EQ((*source)->bytesRead(), (*source)->bytesTotal());

    // The file's packets decode: the cut SYN is truncated at TCP, the others are whole.
    PacketDecoder decoder((*source)->linkType());
    DecodedPacket p;
    EXPECT_EQ(testing::decodeExact(decoder, collector.packets[0].data, p), DecodeAnomaly::TruncatedTcp);
    EXPECT_EQ(testing::decodeExact(decoder, collector.packets[1].data, p), DecodeAnomaly::None);
    EXPECT_EQ(p.dst_port, 5060);
    EXPECT_EQ(testing::decodeExact(decoder, collector.packets[2].data, p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 8);
}

TEST_P(CaptureFileTest, StopMakesDispatchReturnStopped) {
    const std::string path = dir_.file("sample.pcap");
    writeSamplePcap(path);
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    (*source)->stop();
    Collector collector;
    auto status = (*source)->dispatch(collector, 10);
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, DispatchStatus::Stopped);
    EXPECT_TRUE(collector.packets.empty());
}

TEST_P(CaptureFileTest, EverySupportedLinkTypeRoundTrips) {
    for (const int dlt : {1, 113, 276, 12, 228, 229, 0, 108}) {
        const std::string path = dir_.file("dlt" + std::to_string(dlt) + ".pcap");
        writeSamplePcap(path, dlt);
        auto source = open(path);
        ASSERT_TRUE(source) << dlt << ": " << source.error().message;
        EXPECT_EQ((*source)->linkType(), *linkTypeFromDlt(dlt)) << dlt;
    }
}

TEST_P(CaptureFileTest, ByteOrderAndTimestampPrecision) {
    PacketBuilder builder;
    const Bytes frame = testing::toBytes(builder.udp({ip("198.51.100.5"), ip("203.0.113.5")}, 7, 9));
    const uint32_t seconds = 1'714'564'800;
    for (const bool big_endian : {false, true}) {
        for (const bool nanoseconds : {false, true}) {
            SCOPED_TRACE(std::string(big_endian ? "big-endian" : "little-endian") +
                         (nanoseconds ? ", nanoseconds" : ", microseconds"));
            ClassicPcap pcap(big_endian, nanoseconds);
            pcap.record(seconds, nanoseconds ? 123'456'789 : 123'456, frame, static_cast<uint32_t>(frame.size()));
            pcap.record(seconds + 1, nanoseconds ? 999'999'999 : 999'999, frame, 1514, 20);
            const std::string path = dir_.file("order.pcap");
            writeFile(path, pcap.bytes());
            auto source = open(path);
            ASSERT_TRUE(source) << source.error().message;
            Collector collector;
            auto status = drain(**source, collector);
            ASSERT_TRUE(status) << status.error().message;
            ASSERT_EQ(collector.packets.size(), 2U);
            EXPECT_EQ(collector.packets[0].ts, Timestamp{seconds} * kMicrosPerSecond + 123'456);
            EXPECT_EQ(collector.packets[0].data, frame);
            EXPECT_EQ(collector.packets[0].wire_length, frame.size());
            EXPECT_EQ(collector.packets[1].ts, Timestamp{seconds + 1} * kMicrosPerSecond + 999'999);
            EXPECT_EQ(collector.packets[1].data, Bytes(frame.begin(), frame.begin() + 20));
            EXPECT_EQ(collector.packets[1].wire_length, 1514U);
        }
    }
}

TEST_P(CaptureFileTest, ManyRecordsAcrossReadBuffers) {
    // About 9 MB of records of varying size, so records straddle any internal buffer boundary.
    const std::string path = dir_.file("many.pcap");
    constexpr uint32_t kCount = 50'000;
    {
        auto writer = PcapWriter::create(path, 1);
        ASSERT_TRUE(writer) << writer.error().message;
        Bytes frame(300);
        for (uint32_t i = 0; i < kCount; ++i) {
            const uint32_t length = 14 + (i * 7919U) % 280;
            for (uint32_t k = 0; k < length; ++k) {
                frame[k] = static_cast<uint8_t>(i + k);
            }
            (*writer)->write(kT0 + i, frame.data(), length, length + (i % 3));
        }
        ASSERT_TRUE((*writer)->close());
    }
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;

    struct Checker final : PacketHandler {
        void onPacket(const RawPacket& packet) override {
            const uint32_t length = 14 + (count * 7919U) % 280;
            bool ok = packet.captured_length == length && packet.wire_length == length + (count % 3) &&
                      packet.ts == kT0 + count;
            for (uint32_t k = 0; ok && k < length; ++k) {
                ok = packet.data[k] == static_cast<uint8_t>(count + k);
            }
            if (!ok) {
                ++bad;
            }
            ++count;
        }
        uint32_t count = 0;
        uint32_t bad = 0;
    } checker;
    uint64_t last_read = 0;
    for (;;) {
        auto status = (*source)->dispatch(checker, 1000);
        ASSERT_TRUE(status) << status.error().message;
        EXPECT_GE((*source)->bytesRead(), last_read);
        last_read = (*source)->bytesRead();
        if (*status == DispatchStatus::End) {
            break;
        }
    }
    EXPECT_EQ(checker.count, kCount);
    EXPECT_EQ(checker.bad, 0U);
    EXPECT_EQ((*source)->bytesRead(), std::filesystem::file_size(path));
}

// ---- pcapng ----------------------------------------------------------------------------------

TEST_P(CaptureFileTest, HandWrittenPcapngReads) {
    const auto frames = sampleFrames();
    PcapngBuilder pcapng;
    pcapng.interface(1);
    const uint64_t t0 = static_cast<uint64_t>(kT0);
    pcapng.packet(t0, frames[0], static_cast<uint32_t>(frames[0].size()));
    pcapng.packet(t0 + 250'000, Bytes(frames[1].begin(), frames[1].begin() + 30), 1500);
    pcapng.packet(t0 + 1, frames[2], static_cast<uint32_t>(frames[2].size()));

    const std::string path = dir_.file("hand.pcapng");
    writeFile(path, pcapng.bytes());
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->linkType(), LinkType::Ethernet);
    Collector collector;
    auto status = drain(**source, collector);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(*status, DispatchStatus::End);
    ASSERT_EQ(collector.packets.size(), 3U);
    EXPECT_EQ(collector.packets[0].ts, kT0);
    EXPECT_EQ(collector.packets[0].data, frames[0]);
    EXPECT_EQ(collector.packets[0].wire_length, frames[0].size());
    EXPECT_EQ(collector.packets[1].ts, kT0 + 250'000);
    EXPECT_EQ(collector.packets[1].data.size(), 30U);
    EXPECT_EQ(collector.packets[1].wire_length, 1500U);
    EXPECT_EQ(collector.packets[2].ts, kT0 + 1); // out of order is passed on as is
    EXPECT_EQ(collector.packets[2].data, frames[2]);

    PacketDecoder decoder((*source)->linkType());
    DecodedPacket p;
    EXPECT_EQ(testing::decodeExact(decoder, collector.packets[0].data, p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 1460);
}

TEST_P(CaptureFileTest, PcapngNanosecondTimestampsAreReadAsMicroseconds) {
    PcapngBuilder pcapng;
    pcapng.interface(101 /* LINKTYPE_RAW */, 9);
    PacketBuilder raw(false);
    const Bytes packet = testing::toBytes(raw.udp({ip("198.51.100.1"), ip("203.0.113.1")}, 1, 2));
    pcapng.packet(static_cast<uint64_t>(kT0) * 1000 + 789, packet, static_cast<uint32_t>(packet.size()));

    const std::string path = dir_.file("nano.pcapng");
    writeFile(path, pcapng.bytes());
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->linkType(), LinkType::RawIp);
    Collector collector;
    ASSERT_TRUE(drain(**source, collector));
    ASSERT_EQ(collector.packets.size(), 1U);
    EXPECT_EQ(collector.packets[0].ts, kT0);
    EXPECT_EQ(collector.packets[0].data, packet);
}

TEST_P(CaptureFileTest, PcapngTruncatedBlockIsADispatchError) {
    const auto frames = sampleFrames();
    PcapngBuilder pcapng;
    pcapng.interface(1);
    pcapng.packet(static_cast<uint64_t>(kT0), frames[0], static_cast<uint32_t>(frames[0].size()));
    pcapng.packet(static_cast<uint64_t>(kT0), frames[1], static_cast<uint32_t>(frames[1].size()));
    Bytes bytes = pcapng.bytes();
    bytes.resize(bytes.size() - 20);

    const std::string path = dir_.file("cut.pcapng");
    writeFile(path, bytes);
    auto source = open(path);
    ASSERT_TRUE(source) << source.error().message;
    Collector collector;
    auto status = drain(**source, collector);
    ASSERT_FALSE(status);
    expectOneLineErrorNaming(status.error(), path);
    EXPECT_EQ(collector.packets.size(), 1U);
}

TEST_P(CaptureFileTest, PcapngUnsupportedLinkType) {
    PcapngBuilder pcapng;
    pcapng.interface(147);
    const std::string path = dir_.file("user0.pcapng");
    writeFile(path, pcapng.bytes());
    auto source = open(path);
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
    EXPECT_NE(source.error().message.find("not supported"), std::string::npos) << source.error().message;
}

// ---- the two readers side by side ------------------------------------------------------------

struct Outcome {
    bool opened = false;
    std::vector<CapturedPacket> packets;
    bool ended_in_error = false;
};

Outcome readAll(Reader reader, const std::string& path) {
    Outcome outcome;
    auto source = openWith(reader, path);
    if (!source) {
        return outcome;
    }
    outcome.opened = true;
    Collector collector;
    auto status = drain(**source, collector, 3);
    outcome.packets = std::move(collector.packets);
    outcome.ended_in_error = !status;
    return outcome;
}

TEST(CaptureFileReadersTest, AgreeOnEveryCutOfAFile) {
    // Both byte orders and precisions; every prefix of the file, from nothing to all of it.
    PacketBuilder builder;
    const Bytes a = testing::toBytes(builder.udp({ip("198.51.100.5"), ip("203.0.113.5")}, 7, 9));
    const Bytes b =
        testing::toBytes(builder.tcp({ip("198.51.100.6"), ip("203.0.113.6")}, {1, 2, 3, 4, tcp_flag::kSyn, 5, 1460}));
    TempDir dir;
    const std::string path = dir.file("cut.pcap");
    for (const bool big_endian : {false, true}) {
        for (const bool nanoseconds : {false, true}) {
            ClassicPcap pcap(big_endian, nanoseconds);
            pcap.record(1'700'000'000, 5, a, static_cast<uint32_t>(a.size()));
            pcap.record(1'700'000'001, 6'000, b, 1500, 30);
            pcap.record(1'700'000'002, 700'000, Bytes{}, 60); // zero-length capture
            pcap.record(1'700'000'003, 8, b, static_cast<uint32_t>(b.size()));
            const Bytes& file = pcap.bytes();
            for (size_t length = 0; length <= file.size(); ++length) {
                SCOPED_TRACE(std::to_string(length) + " of " + std::to_string(file.size()) + " bytes" +
                             (big_endian ? ", big-endian" : "") + (nanoseconds ? ", ns" : ""));
                writeFile(path, Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(length)));
                const Outcome libpcap = readAll(Reader::Libpcap, path);
                const Outcome fast = readAll(Reader::Auto, path);
                ASSERT_EQ(fast.opened, libpcap.opened);
                EXPECT_EQ(fast.opened, length >= 24);
                EXPECT_EQ(fast.ended_in_error, libpcap.ended_in_error);
                ASSERT_EQ(fast.packets.size(), libpcap.packets.size());
                for (size_t i = 0; i < fast.packets.size(); ++i) {
                    EXPECT_EQ(fast.packets[i].data, libpcap.packets[i].data) << i;
                    EXPECT_EQ(fast.packets[i].ts, libpcap.packets[i].ts) << i;
                    EXPECT_EQ(fast.packets[i].wire_length, libpcap.packets[i].wire_length) << i;
                }
                if (length == file.size()) {
                    EXPECT_EQ(fast.packets.size(), 4U);
                    EXPECT_FALSE(fast.ended_in_error);
                }
            }
        }
    }
}

TEST(CaptureFileReadersTest, OpenCaptureFilePicksTheFastReaderForClassicPcapOnly) {
    TempDir dir;
    const std::string pcap = dir.file("sample.pcap");
    writeSamplePcap(pcap);
    auto fast = openCaptureFile(pcap);
    ASSERT_TRUE(fast) << fast.error().message;
    EXPECT_NE(dynamic_cast<PcapFileReader*>(fast->get()), nullptr);

    PcapngBuilder pcapng;
    pcapng.interface(1);
    const std::string ng = dir.file("sample.pcapng");
    writeFile(ng, pcapng.bytes());
    auto slow = openCaptureFile(ng);
    ASSERT_TRUE(slow) << slow.error().message;
    EXPECT_NE(dynamic_cast<PcapSource*>(slow->get()), nullptr);
}

TEST(CaptureFileReadersTest, BatchEndFollowsDeliveredPacketsEvenWhenTheFileIsCut) {
    // A handler that batches work (DarknetAnalyzer) relies on onBatchEnd() after every dispatch()
    // that delivered packets, also when that dispatch() then meets a truncated record.
    TempDir dir;
    const std::string full = dir.file("full.pcap");
    writeSamplePcap(full);
    const std::string path = dir.file("cut.pcap");
    std::filesystem::copy_file(full, path);
    std::filesystem::resize_file(path, 24 + 56 + 8);
    for (const Reader reader : {Reader::Libpcap, Reader::Auto}) {
        SCOPED_TRACE(reader == Reader::Libpcap ? "libpcap" : "openCaptureFile");
        auto source = openWith(reader, path);
        ASSERT_TRUE(source) << source.error().message;
        Collector collector;
        auto status = (*source)->dispatch(collector, 16);
        ASSERT_FALSE(status);
        EXPECT_EQ(collector.packets.size(), 1U);
        EXPECT_GE(collector.batch_ends, 1U) << "packets were delivered but the batch was not ended";
    }
}

// ---- PcapSource only: filters ----------------------------------------------------------------

TEST(PcapSourceTest, BadFilterIsAnError) {
    TempDir dir;
    const std::string path = dir.file("sample.pcap");
    writeSamplePcap(path);
    auto source = PcapSource::openFile(path, "tcp port ((");
    ASSERT_FALSE(source);
    expectOneLineErrorNaming(source.error(), path);
    EXPECT_NE(source.error().message.find("tcp port (("), std::string::npos) << source.error().message;
}

TEST(PcapSourceTest, FilterSelectsPackets) {
    TempDir dir;
    const std::string path = dir.file("sample.pcap");
    writeSamplePcap(path);
    auto source = PcapSource::openFile(path, "udp");
    ASSERT_TRUE(source) << source.error().message;
    Collector collector;
    auto status = drain(**source, collector);
    ASSERT_TRUE(status) << status.error().message;
    ASSERT_EQ(collector.packets.size(), 1U);
    EXPECT_EQ(collector.packets[0].ts, kT0 + 999'999);
}

TEST(PcapWriterTest, UnwritablePathIsAnError) {
    TempDir dir;
    const std::string path = dir.file("no-such-dir/out.pcap");
    auto writer = PcapWriter::create(path, 1);
    ASSERT_FALSE(writer);
    expectOneLineErrorNaming(writer.error(), path);
}

} // namespace
} // namespace kansoku::capture

#include "capture/pcap_file_reader.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/pcap_source.h"
#include "common/byte_reader.h"

namespace kansoku::capture {
namespace {

// Classic pcap magic numbers (pcap-savefile(5), draft-ietf-opsawg-pcap).
constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr size_t kFileHeader = 24;
constexpr size_t kRecordHeader = 16;
constexpr size_t kBufferSize = 4U << 20;

} // namespace

PcapFileReader::PcapFileReader(int fd, std::string name, uint64_t file_size)
    : fd_(fd), name_(std::move(name)), file_size_(file_size), buffer_(kBufferSize) {}

PcapFileReader::~PcapFileReader() {
    ::close(fd_);
}

Result<std::unique_ptr<PcapFileReader>> PcapFileReader::open(const std::string& path) {
    const std::string name = "capture " + path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail("{}: {}", name, std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return nullptr; // not a regular file: let libpcap decide (and word the error)
    }
    std::unique_ptr<PcapFileReader> reader(new PcapFileReader(fd, name, static_cast<uint64_t>(st.st_size)));
    auto has_header = reader->fill(4);
    KANSOKU_TRY(has_header);
    if (!*has_header) {
        return nullptr;
    }
    const uint32_t magic = loadU32LE(reader->buffer_.data());
    const bool ours = magic == kMagicMicro || magic == kMagicNano || __builtin_bswap32(magic) == kMagicMicro ||
                      __builtin_bswap32(magic) == kMagicNano;
    if (!ours) {
        return nullptr;
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    KANSOKU_TRY(reader->readHeader());
    return reader;
}

Result<bool> PcapFileReader::fill(size_t need) {
    if (end_ - pos_ >= need) {
        return true;
    }
    // Move the unread tail to the front, then read until `need` bytes are there or the file ends.
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    while (end_ < need) {
        const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("{}: read error: {}", name_, std::strerror(errno));
        }
        if (n == 0) {
            return false;
        }
        end_ += static_cast<size_t>(n);
        file_offset_ += static_cast<uint64_t>(n);
    }
    return true;
}

Result<void> PcapFileReader::readHeader() {
    auto ok = fill(kFileHeader);
    KANSOKU_TRY(ok);
    if (!*ok) {
        return fail("{}: truncated pcap file header ({} bytes)", name_, end_ - pos_);
    }
    const uint8_t* h = buffer_.data() + pos_;
    const uint32_t magic = loadU32LE(h);
    swapped_ = magic != kMagicMicro && magic != kMagicNano;
    nanoseconds_ = (swapped_ ? __builtin_bswap32(magic) : magic) == kMagicNano;
    auto field = [&](size_t offset) {
        const uint32_t v = loadU32LE(h + offset);
        return swapped_ ? __builtin_bswap32(v) : v;
    };
    // Major and minor version are two 16-bit fields in the file's byte order (not one 32-bit field).
    uint16_t major = loadU16LE(h + 4);
    uint16_t minor = loadU16LE(h + 6);
    if (swapped_) {
        major = __builtin_bswap16(major);
        minor = __builtin_bswap16(minor);
    }
    if (major != 2) {
        return fail("{}: unsupported pcap version {}.{}", name_, major, minor);
    }
    snaplen_ = field(16);
    // The link type is the low 16 bits; the upper bits carry FCS information we do not use.
    const int linktype = static_cast<int>(field(20) & 0xffffU);
    const auto type = linkTypeFromDlt(linktype);
    if (!type) {
        return fail("{}: link type {} is not supported (supported: Ethernet, 802.1Q, Linux SLL/SLL2, raw IP, BSD "
                    "loopback)",
                    name_, linktype);
    }
    link_type_ = *type;
    pos_ += kFileHeader;
    return {};
}

Result<DispatchStatus> PcapFileReader::dispatch(PacketHandler& handler, int max_packets) {
    if (stop_requested_) {
        return DispatchStatus::Stopped;
    }
    // Whatever happens below (a truncated record included), end the batch already handed over.
    struct BatchEnd {
        PacketHandler& handler;
        ~BatchEnd() { handler.onBatchEnd(); }
    } batch_end{handler};
    int delivered = 0;
    while (delivered < max_packets) {
        if (end_ - pos_ < kRecordHeader) {
            auto more = fill(kRecordHeader);
            KANSOKU_TRY(more);
            if (!*more) {
                if (end_ != pos_) {
                    return fail("{}: truncated dump file; a record header is cut after {} bytes", name_, end_ - pos_);
                }
                break;
            }
        }
        const uint8_t* r = buffer_.data() + pos_;
        uint32_t sec = loadU32LE(r);
        uint32_t frac = loadU32LE(r + 4);
        uint32_t captured = loadU32LE(r + 8);
        uint32_t wire = loadU32LE(r + 12);
        if (swapped_) {
            sec = __builtin_bswap32(sec);
            frac = __builtin_bswap32(frac);
            captured = __builtin_bswap32(captured);
            wire = __builtin_bswap32(wire);
        }
        if (captured > kMaxRecord) {
            return fail("{}: bad record at byte {}: captured length {} exceeds {}", name_, bytesRead(), captured,
                        kMaxRecord);
        }
        if (end_ - pos_ < kRecordHeader + captured) {
            auto more = fill(kRecordHeader + captured);
            KANSOKU_TRY(more);
            if (!*more) {
                return fail("{}: truncated dump file; a record of {} bytes is cut after {}", name_, captured,
                            end_ - pos_ - kRecordHeader);
            }
            r = buffer_.data() + pos_;
        }
        const Timestamp ts =
            Timestamp{sec} * kMicrosPerSecond + (nanoseconds_ ? Timestamp{frac} / 1000 : Timestamp{frac});
        handler.onPacket(RawPacket{r + kRecordHeader, captured, wire < captured ? captured : wire, ts});
        pos_ += kRecordHeader + captured;
        ++received_;
        ++delivered;
    }
    return delivered > 0 ? DispatchStatus::Packets : DispatchStatus::End;
}

Result<std::unique_ptr<PacketSource>> openCaptureFile(const std::string& path) {
    auto fast = PcapFileReader::open(path);
    KANSOKU_TRY(fast);
    if (*fast) {
        return std::unique_ptr<PacketSource>(std::move(*fast));
    }
    auto slow = PcapSource::openFile(path);
    KANSOKU_TRY(slow);
    return std::unique_ptr<PacketSource>(std::move(*slow));
}

} // namespace kansoku::capture

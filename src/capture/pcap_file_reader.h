#pragma once

/// A fast reader for classic pcap files (the format of tcpdump -w and most darknet archives):
/// large sequential read() calls into one buffer and records parsed in place, about an order of
/// magnitude cheaper per packet than libpcap's per-record fread. Every length is checked against
/// the buffer; a record running past the end of the file is a "truncated" error, like libpcap's.
/// pcapng and anything else go through libpcap (PcapSource); openCaptureFile() picks.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.h"

namespace kansoku::capture {

class PcapFileReader final : public PacketSource {
public:
    ~PcapFileReader() override;
    PcapFileReader(const PcapFileReader&) = delete;
    PcapFileReader& operator=(const PcapFileReader&) = delete;

    /// Opens `path` if it starts with a classic pcap magic number; nullptr (not an error) when it
    /// does not, so the caller can hand it to libpcap.
    static Result<std::unique_ptr<PcapFileReader>> open(const std::string& path);

    LinkType linkType() const override { return link_type_; }
    Result<DispatchStatus> dispatch(PacketHandler& handler, int max_packets) override;
    SourceStats stats() override { return {received_, 0, 0}; }
    void stop() override { stop_requested_ = true; }
    uint64_t bytesRead() const override { return file_offset_ - (end_ - pos_); }
    uint64_t bytesTotal() const override { return file_size_; }
    const std::string& name() const override { return name_; }

    /// Largest record we accept (libpcap's limit for the largest link-layer MTU, 256 KiB).
    static constexpr uint32_t kMaxRecord = 262144;

private:
    PcapFileReader(int fd, std::string name, uint64_t file_size);
    Result<void> readHeader();
    /// Makes at least `need` bytes available at pos_; false at end of file.
    Result<bool> fill(size_t need);

    int fd_;
    std::string name_;
    uint64_t file_size_;
    uint64_t file_offset_ = 0; ///< bytes read from the file so far
    std::vector<uint8_t> buffer_;
    size_t pos_ = 0;
    size_t end_ = 0;
    bool swapped_ = false;     ///< written on a machine of the other byte order
    bool nanoseconds_ = false; ///< 0xa1b23c4d magic
    uint32_t snaplen_ = 0;
    LinkType link_type_ = LinkType::Ethernet;
    uint64_t received_ = 0;
    std::atomic<bool> stop_requested_{false};
};

/// Opens a capture file with the fast reader when it is classic pcap, with libpcap otherwise
/// (pcapng). Errors name the file: missing, empty, not a capture, unsupported link type.
Result<std::unique_ptr<PacketSource>> openCaptureFile(const std::string& path);

} // namespace kansoku::capture

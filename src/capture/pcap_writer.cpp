#include "capture/pcap_writer.h"

#include <cerrno>
#include <cstring>

#include <pcap/pcap.h>

namespace kansoku::capture {

PcapWriter::PcapWriter(pcap* dead, pcap_dumper* dumper, std::string path)
    : dead_(dead), dumper_(dumper), path_(std::move(path)) {}

PcapWriter::~PcapWriter() {
    (void)close();
}

Result<std::unique_ptr<PcapWriter>> PcapWriter::create(const std::string& path, int dlt, int snaplen) {
    pcap* dead = pcap_open_dead_with_tstamp_precision(dlt, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
    if (dead == nullptr) {
        return fail("capture {}: cannot create a pcap writer", path);
    }
    pcap_dumper* dumper = pcap_dump_open(dead, path.c_str());
    if (dumper == nullptr) {
        std::string why = pcap_geterr(dead);
        pcap_close(dead);
        return fail("capture {}: {}", path, why);
    }
    return std::unique_ptr<PcapWriter>(new PcapWriter(dead, dumper, path));
}

void PcapWriter::write(Timestamp ts, const uint8_t* data, uint32_t captured_length, uint32_t wire_length) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(ts / kMicrosPerSecond);
    header.ts.tv_usec = static_cast<suseconds_t>(ts % kMicrosPerSecond);
    header.caplen = captured_length;
    header.len = wire_length;
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, data);
}

Result<void> PcapWriter::close() {
    if (dumper_ == nullptr) {
        return {};
    }
    const bool flushed = pcap_dump_flush(dumper_) == 0;
    const int saved_errno = errno;
    pcap_dump_close(dumper_);
    pcap_close(dead_);
    dumper_ = nullptr;
    dead_ = nullptr;
    if (!flushed) {
        return fail("capture {}: write failed: {}", path_, std::strerror(saved_errno));
    }
    return {};
}

} // namespace kansoku::capture

#pragma once

/// Writes classic pcap files (microsecond timestamps) through libpcap's dumper: for generated
/// captures (demo, golden tests, benchmarks) and tests.

#include <memory>
#include <string>

#include "capture/link_type.h"
#include "common/result.h"
#include "common/time.h"

struct pcap;
struct pcap_dumper;

namespace kansoku::capture {

class PcapWriter {
public:
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    /// `dlt` is libpcap's link type value (DLT_EN10MB = 1, DLT_RAW = 12, ...).
    static Result<std::unique_ptr<PcapWriter>> create(const std::string& path, int dlt, int snaplen = 65535);

    void write(Timestamp ts, const uint8_t* data, uint32_t length) { write(ts, data, length, length); }
    void write(Timestamp ts, const uint8_t* data, uint32_t captured_length, uint32_t wire_length);
    /// Flushes and closes; reports a write error.
    Result<void> close();

private:
    PcapWriter(pcap* dead, pcap_dumper* dumper, std::string path);
    pcap* dead_;
    pcap_dumper* dumper_;
    std::string path_;
};

} // namespace kansoku::capture

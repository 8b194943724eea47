#pragma once

/// Flags probes whose claimed source cannot be trusted, after the filters of CAIDA's corsaro3
/// (Spoofed/erratic/routable filters, "corsaro3 filtering" in the UCSD-NT documentation):
/// impossible sources, TTL >= 200 without a known scanner fingerprint, port 0, and TCP flag
/// combinations no scanner's SYN carries. Flagged probes never become scan records or port
/// statistics of their claimed source; they are counted per reason in capture.stats.

#include <cstdint>
#include <string_view>

#include "capture/decoded_packet.h"
#include "darknet/scanner_fingerprint.h"

namespace kansoku::darknet {

namespace spoof_flag {
constexpr uint8_t kImpossibleSource = 0x01; ///< 0/8, 127/8, multicast, reserved, broadcast, src == dst, .0/.255
constexpr uint8_t kHighTtl = 0x02;          ///< TTL >= 200 and no scanner fingerprint
constexpr uint8_t kPortZero = 0x04;         ///< source or destination port 0
constexpr uint8_t kOddFlags = 0x08;         ///< SYN with URG or PSH set
constexpr int kCount = 4;
} // namespace spoof_flag

std::string_view spoofFlagName(int bit);

/// Flags for a probe (TCP SYN, UDP or ICMP echo); `tool` is its fingerprint (Unknown if none).
uint8_t probeSpoofFlags(const capture::DecodedPacket& p, ScannerTool tool);

/// Whether an address can be a packet's real source (the impossible-source test alone; used for
/// backscatter senders too).
bool isImpossibleSource(const IpAddress& src, const IpAddress& dst);

} // namespace kansoku::darknet

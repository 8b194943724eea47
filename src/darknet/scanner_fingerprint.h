#pragma once

/// Which tool sent a TCP SYN probe, from the fields each tool sets in its own way. Each rule names
/// the tool versions it was checked against (docs/darknet-fingerprints.md has the table with
/// measured precision and recall); a probe no rule claims is `Unknown`.
///
///  - Mirai and descendants: TCP sequence number = destination IPv4 address (Mirai's
///    scanner.c, 2016; Antonakakis et al., "Understanding the Mirai Botnet", USENIX Security 2017).
///  - masscan (1.0 .. 1.3.2): IP ID = low 16 bits of (destination address ^ destination port ^
///    sequence number), window 1024 (templ-pkt.c). Since late 2023 masscan may add an MSS option,
///    so options are not part of the rule.
///  - ZMap before 4.1: IP ID 54321, window 65535, no TCP options (probe_modules/packet.c; 4.1
///    dropped the fixed IP ID, so newer ZMap is `Unknown`).
///  - nmap SYN scan (5.x .. 7.9x): one option, MSS, and a window of 1024, 2048, 3072 or 4096
///    (older releases pick one of these at random; 7.x uses 1024). nmap also reuses one sequence
///    number across a scan, which the scan record reports but the per-probe rule does not need.
/// Order matters only for impossible overlaps: Mirai's rule is checked first as the most specific.

#include <cstdint>
#include <string_view>

#include "capture/decoded_packet.h"

namespace kansoku::darknet {

enum class ScannerTool : uint8_t { Unknown, Mirai, Zmap, Masscan, Nmap, Count_ };

constexpr size_t kScannerToolCount = static_cast<size_t>(ScannerTool::Count_);

std::string_view scannerToolName(ScannerTool tool);

/// The tool that sent this TCP SYN probe, or Unknown.
ScannerTool fingerprintSyn(const capture::DecodedPacket& p);

} // namespace kansoku::darknet

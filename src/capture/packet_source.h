#pragma once

/// Where packets come from: a pcap/pcapng file or a live interface. Sources hand packets to a
/// handler in batches, so the per-packet cost is one call.

#include <cstdint>
#include <string>

#include "capture/link_type.h"
#include "common/result.h"
#include "common/time.h"

namespace kansoku::capture {

/// One captured frame. `data` is valid only during the handler call.
struct RawPacket {
    const uint8_t* data;
    uint32_t captured_length;
    uint32_t wire_length;
    Timestamp ts;
};

class PacketHandler {
public:
    virtual ~PacketHandler() = default;
    virtual void onPacket(const RawPacket& packet) = 0;
    /// Called when a dispatch() call has delivered its packets, so a handler that batches work
    /// can finish it before the caller looks at results or time passes.
    virtual void onBatchEnd() {}
};

/// What the capture layer itself counted (kernel drops only exist for live capture).
struct SourceStats {
    uint64_t received = 0;       ///< packets handed to us
    uint64_t dropped_kernel = 0; ///< dropped by the kernel for lack of buffer space
    uint64_t dropped_interface = 0;
};

enum class DispatchStatus {
    Packets, ///< delivered at least one packet
    Idle,    ///< live: the read timeout passed without packets
    End,     ///< file: no more packets
    Stopped, ///< stop() was called
};

class PacketSource {
public:
    virtual ~PacketSource() = default;
    virtual LinkType linkType() const = 0;
    /// Delivers up to `max_packets` packets to `handler`. A read error (truncated file, interface
    /// gone) is an Error naming the source.
    virtual Result<DispatchStatus> dispatch(PacketHandler& handler, int max_packets) = 0;
    virtual SourceStats stats() = 0;
    /// Makes a blocked dispatch() return Stopped soon; safe to call from a signal handler.
    virtual void stop() = 0;
    /// Bytes read so far and total, for progress on files (0 total when unknown).
    virtual uint64_t bytesRead() const { return 0; }
    virtual uint64_t bytesTotal() const { return 0; }
    /// "file x.pcap" or "interface eth0", for messages.
    virtual const std::string& name() const = 0;
};

} // namespace kansoku::capture

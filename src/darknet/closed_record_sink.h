#pragma once

/// Where a tracker's closed records go when several workers' trackers must be merged into one
/// stream: each event with its place in the order a single tracker would have closed it in
/// (ExpiringTable hands closed records over sorted by first packet, then key).

#include <cstdint>

#include "common/event_sink.h"
#include "common/ip_address.h"
#include "common/time.h"

namespace kansoku::darknet {

/// A closed record's sort key: first packet, then the record's key (address, then protocol: the
/// order of ScanKey; a victim's protocol is 0).
struct CloseOrder {
    Timestamp first_seen = 0;
    IpAddress address;
    uint8_t protocol = 0;

    friend auto operator<=>(const CloseOrder&, const CloseOrder&) = default;
    friend bool operator==(const CloseOrder&, const CloseOrder&) = default;
};

class ClosedRecordSink {
public:
    virtual ~ClosedRecordSink() = default;
    virtual void publishClosed(Event&& event, const CloseOrder& order) = 0;
};

} // namespace kansoku::darknet

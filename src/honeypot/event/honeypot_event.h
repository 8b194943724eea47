#pragma once

/// The one place the honeypot session context is written into events (docs/events.md "Honeypot
/// events"): every honeypot.* event (telnet, SSH, HTTP, the reflectors' UDP sessions) starts with
/// `session`, `src`, `src_port`, `dst_port`, `protocol`, in that order, so a pipeline can join them.
/// A library of its own so the HTTP parser, the session server and the reflectors share it without
/// depending on each other.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/event.h"

namespace kansoku::honeypot {

/// Who a session talks to, as the events name it.
struct HoneypotContext {
    std::string_view session;  ///< 16 hex digits, unique per listener
    std::string_view protocol; ///< "telnet", "ssh", "http", or a reflector service
    std::string_view src;      ///< client address
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
};

/// An event of `type` holding the context fields, with room for `more_fields` after them.
Event makeHoneypotEvent(std::string_view type, const HoneypotContext& context, std::string sensor, Timestamp ts,
                        size_t more_fields = 8);

/// honeypot.session: a TCP session closed (the session server) or a reflector flow below the
/// attack threshold ended (the UDP reflectors, `transport: udp`). `ts` = end.
struct SessionEnd {
    /// What only a reflector flow has.
    struct UdpFlow {
        uint64_t requests = 0;
        uint64_t answered = 0;
    };

    HoneypotContext context;
    std::string sensor;
    Timestamp start = 0;
    Timestamp end = 0;
    double duration_s = 0; ///< measured on a monotonic clock by the session server, end - start for flows
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    std::string_view close_reason;
    std::optional<UdpFlow> udp;

    Event toEvent() const;
};

} // namespace kansoku::honeypot

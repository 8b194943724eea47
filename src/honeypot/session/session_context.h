#pragma once

/// Who a honeypot session talks to: what every honeypot.* event of the session carries.

#include <cstdint>
#include <string>

#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot {

struct SessionContext {
    std::string id;       ///< the session id (16 hex chars from the session server)
    std::string protocol; ///< "telnet", "ssh", "http"
    std::string src;      ///< client address
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
    std::string dst; ///< the honeypot's address the client connected to (may be empty)

    /// The context as events carry it (honeypot/event/honeypot_event.h).
    HoneypotContext fields() const { return {id, protocol, src, src_port, dst_port}; }
};

} // namespace kansoku::honeypot

#pragma once

/// The `ddos.attack` event (docs/events.md, schemas/events/ddos.attack.schema.json), built here for
/// both eyes that infer attacks: the darknet's backscatter tracker (evidence "backscatter") and the
/// UDP reflector honeypots (evidence "reflector"). Each fills the fields it observes; the JSON is
/// written in one place, in the documented order.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/event.h"

namespace kansoku::events {

struct DdosAttack {
    /// What only backscatter shows (Moore et al., ACM TOCS 2006).
    struct Backscatter {
        uint64_t peak_ppm = 0;
        std::vector<std::pair<std::string, uint64_t>> vectors; ///< packets per vector, non-zero ones
        uint64_t darknet_addresses = 0;
    };
    /// What only a reflector sees (AmpPot, Krämer et al., RAID 2015).
    struct Reflector {
        bool ports_truncated = false;
        uint16_t dst_port = 0;
        uint64_t bytes = 0;
        uint64_t answered = 0;
    };

    std::string sensor;
    std::string victim;
    std::string_view vector; ///< the dominant inferred attack, or the reflector service
    Timestamp start = 0;
    Timestamp end = 0; ///< also the event's ts
    double duration_s = 0;
    uint64_t packets = 0;
    std::optional<uint64_t> est_pps;                  ///< null when no estimate applies (IPv6 victims)
    std::vector<std::pair<uint16_t, uint64_t>> ports; ///< attacked (or source) ports, most first
    uint64_t port_count = 0;
    std::string_view closed;
    /// Exactly one is set: it decides `evidence`.
    std::optional<Backscatter> backscatter;
    std::optional<Reflector> reflector;

    Event toEvent() const;
};

} // namespace kansoku::events

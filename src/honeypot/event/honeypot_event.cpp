#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot {

Event makeHoneypotEvent(std::string_view type, const HoneypotContext& context, std::string sensor, Timestamp ts,
                        size_t more_fields) {
    Event event;
    event.type = std::string(type);
    event.ts = ts;
    event.sensor = std::move(sensor);
    event.reserveFields(5 + more_fields);
    event.add("session", std::string(context.session));
    event.add("src", std::string(context.src));
    event.add("src_port", context.src_port);
    event.add("dst_port", context.dst_port);
    event.add("protocol", std::string(context.protocol));
    return event;
}

Event SessionEnd::toEvent() const {
    Event event = makeHoneypotEvent("honeypot.session", context, sensor, end, udp ? 10 : 6);
    if (udp) {
        event.add("transport", "udp");
    }
    event.add("start", formatRfc3339(start));
    event.add("end", formatRfc3339(end));
    event.add("duration_s", duration_s);
    if (udp) {
        event.add("requests", udp->requests);
        event.add("answered", udp->answered);
    }
    event.add("bytes_in", bytes_in);
    event.add("bytes_out", bytes_out);
    event.add("close_reason", std::string(close_reason));
    return event;
}

} // namespace kansoku::honeypot

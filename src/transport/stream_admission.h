#pragma once

/// What the center accepts from the stream (docs/transport.md "Refused messages"): a message whose
/// subject, message id and event agree on the sensor, whose body is one JSON event of a known type
/// and a schema version the center reads, within the size limit. Anything else is refused with a
/// reason (the message goes to the dead-letter subject and is counted), never thrown.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "common/event.h"

namespace kansoku::transport {

enum class Refusal : uint8_t {
    Oversized,      ///< larger than max_message
    NoMessageId,    ///< no or malformed Nats-Msg-Id
    Malformed,      ///< not a JSON object with type, ts and sensor
    SensorMismatch, ///< the event's sensor, the subject's and the message id's differ
    UnknownType,
    UnknownVersion,
};

/// "oversized", "no_message_id", ... (the dead-letter subject's last token and the metrics label).
std::string_view refusalName(Refusal refusal);
inline constexpr size_t kRefusalCount = 6;

struct AdmittedEvent {
    Event event;
    uint64_t sequence = 0; ///< from the message id
};

/// Checks one message taken from below `prefix`; `message_id` is empty when the header is missing.
std::variant<AdmittedEvent, Refusal> admitStreamMessage(std::string_view prefix, std::string_view subject,
                                                        std::string_view message_id, std::string_view body,
                                                        size_t max_bytes);

/// Event types the center knows (one schema each in schemas/events/).
bool knownEventType(std::string_view type);

} // namespace kansoku::transport

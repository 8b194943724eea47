#pragma once

/// How events are named on the stream (docs/transport.md): subject `<prefix>.<sensor>.<type>`
/// (the type's dots become further tokens: kansoku.events.tokyo-1.darknet.scan) and message id
/// `<sensor>:<sequence>` (the Nats-Msg-Id header JetStream de-duplicates on). Sensors may only
/// publish below `<prefix>.<own name>.` (nats-server permissions), and the center checks that the
/// subject, the message id and the event's sensor field agree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kansoku::transport {

/// A sensor name or event type usable in a subject: printable ASCII without space, '*', '>' (and,
/// for a sensor name, without '.', so the sensor is exactly one token).
bool validSubjectSensor(std::string_view sensor);

std::string eventSubject(std::string_view prefix, std::string_view sensor, std::string_view type);

/// The sensor token of a subject below `prefix`, or nullopt when the subject is not below it.
std::optional<std::string_view> subjectSensor(std::string_view prefix, std::string_view subject);

std::string messageId(std::string_view sensor, uint64_t sequence);

struct MessageId {
    std::string_view sensor;
    uint64_t sequence = 0;
};

/// Parses `<sensor>:<sequence>`; nullopt when malformed.
std::optional<MessageId> parseMessageId(std::string_view id);

} // namespace kansoku::transport

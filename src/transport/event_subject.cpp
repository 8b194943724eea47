#include "transport/event_subject.h"

#include <charconv>

namespace kansoku::transport {

bool validSubjectSensor(std::string_view sensor) {
    if (sensor.empty() || sensor.size() > 128) {
        return false;
    }
    for (const char c : sensor) {
        if (c <= ' ' || c > '~' || c == '.' || c == '*' || c == '>' || c == ':') {
            return false;
        }
    }
    return true;
}

std::string eventSubject(std::string_view prefix, std::string_view sensor, std::string_view type) {
    std::string subject;
    subject.reserve(prefix.size() + sensor.size() + type.size() + 2);
    subject.append(prefix).append(".").append(sensor).append(".").append(type);
    return subject;
}

std::optional<std::string_view> subjectSensor(std::string_view prefix, std::string_view subject) {
    if (subject.size() <= prefix.size() + 1 || subject.substr(0, prefix.size()) != prefix ||
        subject[prefix.size()] != '.') {
        return std::nullopt;
    }
    auto rest = subject.substr(prefix.size() + 1);
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0) {
        return std::nullopt;
    }
    return rest.substr(0, dot);
}

std::string messageId(std::string_view sensor, uint64_t sequence) {
    std::string id(sensor);
    id += ':';
    id += std::to_string(sequence);
    return id;
}

std::optional<MessageId> parseMessageId(std::string_view id) {
    const auto colon = id.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size()) {
        return std::nullopt;
    }
    MessageId out;
    out.sensor = id.substr(0, colon);
    const auto digits = id.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.sequence);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return out;
}

} // namespace kansoku::transport

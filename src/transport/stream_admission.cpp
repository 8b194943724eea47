#include "transport/stream_admission.h"

#include <algorithm>
#include <array>

#include "common/event_version.h"
#include "common/time.h"
#include "transport/event_subject.h"

namespace kansoku::transport {
namespace {

// Sorted; tests/unit/transport/stream_admission_test.cpp checks it against schemas/events/.
constexpr std::array<std::string_view, 20> kKnownTypes = {
    "alert",
    "capture.stats",
    "darknet.campaign",
    "darknet.port_stats",
    "darknet.scan",
    "ddos.attack",
    "honeypot.command",
    "honeypot.connect",
    "honeypot.download",
    "honeypot.http_request",
    "honeypot.login",
    "honeypot.session",
    "honeypot.ssh_client",
    "honeypot.ssh_forward",
    "intel.c2",
    "intel.infected_host",
    "intel.partner_sighting",
    "sample",
    "sandbox.report",
    "sensor.heartbeat",
};

constexpr std::array<std::string_view, kRefusalCount> kRefusalNames = {
    "oversized", "no_message_id", "malformed", "sensor_mismatch", "unknown_type", "unknown_version",
};

} // namespace

std::string_view refusalName(Refusal refusal) {
    return kRefusalNames[static_cast<size_t>(refusal)];
}

bool knownEventType(std::string_view type) {
    return std::binary_search(kKnownTypes.begin(), kKnownTypes.end(), type);
}

std::variant<AdmittedEvent, Refusal> admitStreamMessage(std::string_view prefix, std::string_view subject,
                                                        std::string_view message_id, std::string_view body,
                                                        size_t max_bytes) {
    if (body.size() > max_bytes) {
        return Refusal::Oversized;
    }
    const auto id = parseMessageId(message_id);
    if (!id) {
        return Refusal::NoMessageId;
    }
    const auto subject_sensor = subjectSensor(prefix, subject);
    if (!subject_sensor || *subject_sensor != id->sensor) {
        return Refusal::SensorMismatch;
    }
    auto json = nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
        return Refusal::Malformed;
    }
    const auto type = json.find("type");
    const auto ts = json.find("ts");
    const auto sensor = json.find("sensor");
    if (type == json.end() || !type->is_string() || ts == json.end() || !ts->is_string() || sensor == json.end() ||
        !sensor->is_string()) {
        return Refusal::Malformed;
    }
    const auto when = parseRfc3339(ts->get_ref<const std::string&>());
    if (!when) {
        return Refusal::Malformed;
    }
    if (sensor->get_ref<const std::string&>() != *subject_sensor) {
        return Refusal::SensorMismatch;
    }
    const auto& type_name = type->get_ref<const std::string&>();
    // The subject's type tokens must be the event's type: a sensor cannot file one type as another.
    if (subject.substr(prefix.size() + 1 + subject_sensor->size() + 1) != type_name) {
        return Refusal::Malformed;
    }
    if (!knownEventType(type_name)) {
        return Refusal::UnknownType;
    }
    const auto version = json.find("v");
    if (version == json.end() || !version->is_number_integer() ||
        std::abs(version->get<int64_t>() - kEventSchemaVersion) > 1) {
        return Refusal::UnknownVersion;
    }
    AdmittedEvent out{Event{type_name, *when, sensor->get<std::string>(), nlohmann::ordered_json::object()},
                      id->sequence};
    auto& fields = out.event.fields.get_ref<nlohmann::ordered_json::object_t&>();
    fields.reserve(json.size());
    for (auto& [key, value] : json.items()) {
        // `v` stays among the fields only when it is not ours, so toJson() gives back the sender's.
        const bool our_version = key == "v" && value == kEventSchemaVersion;
        if (key != "type" && key != "ts" && key != "sensor" && !our_version) {
            fields.emplace_back(key, std::move(value));
        }
    }
    return out;
}

} // namespace kansoku::transport

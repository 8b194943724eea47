#pragma once

/// The unit everything downstream consumes (ARCHITECTURE.md "Events"): a type, a time, the sensor
/// that saw it, and type-specific fields. docs/events.md is the reference for each type's fields.

#include <string>

#include <nlohmann/json.hpp>

#include "common/time.h"

namespace kansoku {

struct Event {
    std::string type;   ///< "darknet.scan", "ddos.attack", ...
    Timestamp ts = 0;   ///< when the event happened (for records: when it closed)
    std::string sensor; ///< the sensor's configured name
    /// Type-specific fields, in the order they are documented.
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();

    /// The event as one JSON object: type, ts, sensor, then the fields.
    nlohmann::ordered_json toJson() const;
    /// One line of JSON, no trailing newline.
    std::string toJsonLine() const;
};

} // namespace kansoku

#pragma once

/// The unit everything downstream consumes (ARCHITECTURE.md "Events"): a type, a time, the sensor
/// that saw it, and type-specific fields. docs/events.md is the reference for each type's fields.

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/time.h"

namespace kansoku {

struct Event {
    std::string type;   ///< "darknet.scan", "ddos.attack", ...
    Timestamp ts = 0;   ///< when the event happened (for records: when it closed)
    std::string sensor; ///< the sensor's configured name
    /// Type-specific fields, in the order they are documented.
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();

    /// Appends a field. Unlike `fields[key] = value`, this does not search the fields already
    /// there (ordered_json's operator[] is a linear search), so building an event is linear.
    /// Keys must be distinct; producers add each documented field once.
    template <typename T>
    void add(std::string key, T&& value) {
        objectFields().emplace_back(std::move(key), nlohmann::ordered_json(std::forward<T>(value)));
    }
    /// Reserves room for `n` fields.
    void reserveFields(size_t n) { objectFields().reserve(n); }

    /// The event as one JSON object: type, ts, sensor, then the fields.
    nlohmann::ordered_json toJson() const;
    /// One line of JSON, no trailing newline.
    std::string toJsonLine() const;

private:
    nlohmann::ordered_json::object_t& objectFields() {
        if (!fields.is_object()) {
            fields = nlohmann::ordered_json::object();
        }
        return fields.get_ref<nlohmann::ordered_json::object_t&>();
    }
};

} // namespace kansoku

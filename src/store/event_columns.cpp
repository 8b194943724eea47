#include "store/event_columns.h"

#include "store/sql_filter.h"

namespace kansoku::store {
namespace {

using Json = nlohmann::ordered_json;

const Json* field(const Json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::optional<int64_t> integerAt(const Json* value) {
    if (value == nullptr || !value->is_number_integer()) {
        return std::nullopt;
    }
    return value->get<int64_t>();
}

/// json_extract(body, '$.<key>[0].port')
std::optional<int64_t> firstPort(const Json& fields, const char* key) {
    const Json* list = field(fields, key);
    if (list == nullptr || !list->is_array() || list->empty() || !list->front().is_object()) {
        return std::nullopt;
    }
    return integerAt(field(list->front(), "port"));
}

std::optional<std::string> textAt(const Json& fields, const char* key) {
    const Json* value = field(fields, key);
    if (value == nullptr || !value->is_string()) {
        return std::nullopt;
    }
    return value->get<std::string>();
}

} // namespace

EventColumns eventColumns(const Event& event, const std::optional<std::string>& subject) {
    EventColumns columns;
    if (subject) {
        if (const auto address = IpAddress::parse(*subject)) {
            columns.addr = addressBlob(*address);
        }
    }
    const std::string& type = event.type;
    const Json& fields = event.fields;
    const bool honeypot = type.starts_with("honeypot.");
    if (type == "darknet.scan") {
        columns.port = firstPort(fields, "dst_ports");
    } else if (type == "darknet.port_stats") {
        columns.port = integerAt(field(fields, "port"));
    } else if (type == "ddos.attack") {
        columns.port = integerAt(field(fields, "dst_port"));
        if (!columns.port) {
            columns.port = firstPort(fields, "ports");
        }
    } else if (honeypot) {
        columns.port = integerAt(field(fields, "dst_port"));
    }
    if (honeypot) {
        columns.session = textAt(fields, "session");
    }
    if (type == "sample" || type == "sandbox.report" || type == "honeypot.download") {
        columns.sha256 = textAt(fields, "sha256");
    }
    if (type == "intel.infected_host" || type == "intel.c2") {
        columns.family = textAt(fields, "family");
    }
    return columns;
}

} // namespace kansoku::store

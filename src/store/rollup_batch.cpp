#include "store/rollup_batch.h"

#include <optional>

namespace kansoku::store {
namespace {

enum : size_t { kSource, kTool, kPort, kCredential, kCommand };

const nlohmann::ordered_json* field(const Event& event, std::string_view name) {
    const auto it = event.fields.find(name);
    return it == event.fields.end() ? nullptr : &*it;
}

int64_t integerField(const Event& event, std::string_view name) {
    const auto* value = field(event, name);
    return value != nullptr && value->is_number() ? value->get<int64_t>() : 0;
}

/// The field as SQLite's json_extract would give it as text: a string as is, other scalars as JSON.
std::optional<std::string> textField(const Event& event, std::string_view name) {
    const auto* value = field(event, name);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return value->get<std::string>();
    }
    return value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

void RollupBatch::add(const Event& event) {
    const Timestamp minute = floorTo(event.ts, kRollupMinute);
    const Timestamp hour = floorTo(event.ts, kRollupHour);
    ++event_minutes_[{event.type, minute}];
    ++event_hours_[{event.type, hour}];
    latest_ = std::max(latest_, event.ts);

    if (event.type == "darknet.port_stats") {
        const int64_t packets = integerField(event, "packets");
        const int64_t sources = integerField(event, "sources");
        Amounts& all = probe_minutes_[minute];
        all.count += packets;
        all.amount += sources;
        const auto port = textField(event, "port");
        const auto proto = textField(event, "proto");
        if (port && proto) {
            Amounts& one = port_minutes_[PortMinute{integerField(event, "port"), *proto, minute}];
            one.count += packets;
            one.amount += sources;
            addTop(kPort, hour, *proto + "/" + *port, sources, packets);
        }
    } else if (event.type == "darknet.scan") {
        const int64_t packets = integerField(event, "packets");
        std::string src = textField(event, "src").value_or("");
        if (!src.empty()) {
            source_sketches_[hour].add(HyperLogLog::hashKey(src));
        }
        addTop(kSource, hour, std::move(src), 1, packets);
        addTop(kTool, hour, textField(event, "tool").value_or("unknown"), 1, packets);
    } else if (event.type == "honeypot.login") {
        const auto* success = field(event, "success");
        const bool succeeded = success != nullptr && success->is_boolean() && success->get<bool>();
        const nlohmann::json pair = nlohmann::json::array(
            {textField(event, "username").value_or(""), textField(event, "password").value_or("")});
        addTop(kCredential, hour, pair.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 1,
               succeeded ? 1 : 0);
    } else if (event.type == "honeypot.command") {
        if (auto input = textField(event, "input")) {
            addTop(kCommand, hour, std::move(*input), 1, 0);
        }
    }
}

void RollupBatch::addTop(size_t kind, Timestamp hour, std::string key, int64_t count, int64_t amount) {
    Amounts& a = top_hours_[TopKey{kind, hour, std::move(key)}];
    a.count += count;
    a.amount += amount;
}

void RollupBatch::clear() {
    event_minutes_.clear();
    event_hours_.clear();
    probe_minutes_.clear();
    port_minutes_.clear();
    top_hours_.clear();
    source_sketches_.clear();
    latest_ = 0;
}

} // namespace kansoku::store

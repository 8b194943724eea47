#include "cli/query_table.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include <fmt/format.h>

#include "store/event_row.h"

namespace kansoku::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Column {
    std::string_view header;
    std::function<std::string(const Event&)> cell;
    bool right_aligned = false;
};

/// Control characters (a terminal escape in a stored field) shown as '?'.
std::string printable(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
    return text;
}

/// RFC 3339 to the second: tables need to be read, not to be exact (--json keeps microseconds).
std::string shortTime(Timestamp ts) {
    return formatRfc3339(ts).substr(0, 19) + "Z";
}

std::string valueText(const Json& value) {
    if (value.is_null()) {
        return "-";
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number_float()) {
        return fmt::format("{:.1f}", value.get<double>());
    }
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json& fieldOf(const Event& event, std::string_view key) {
    static const Json missing;
    const auto it = event.fields.find(key);
    return it == event.fields.end() ? missing : *it;
}

Column field(std::string_view key, bool right_aligned = false) {
    return {key, [key](const Event& event) { return valueText(fieldOf(event, key)); }, right_aligned};
}

Column number(std::string_view key) {
    return field(key, true);
}

/// A time field, shortened when it is RFC 3339 text.
Column timeField(std::string_view key) {
    return {key, [key](const Event& event) {
                const Json& value = fieldOf(event, key);
                const auto ts = value.is_string() ? parseRfc3339(value.get<std::string>()) : std::nullopt;
                return ts ? shortTime(*ts) : valueText(value);
            }};
}

Column eventTime() {
    return {"ts", [](const Event& event) { return shortTime(event.ts); }};
}

/// One "port:count" from [port, count] or {"port": p, "count"|"packets": n}.
std::string portCount(const Json& entry) {
    if (entry.is_array() && entry.size() == 2) {
        return fmt::format("{}:{}", valueText(entry[0]), valueText(entry[1]));
    }
    if (entry.is_object() && entry.contains("port")) {
        const Json& count = entry.contains("count") ? entry["count"] : entry.value("packets", Json());
        return fmt::format("{}:{}", valueText(entry["port"]), valueText(count));
    }
    return valueText(entry);
}

/// dst_ports as "port:count ...", whether stored as a list of entries or a {"port": count} object.
Column topPorts() {
    return {"dst_ports", [](const Event& event) {
                const Json& ports = fieldOf(event, "dst_ports");
                std::vector<std::string> parts;
                if (ports.is_object()) {
                    for (const auto& [port, count] : ports.items()) {
                        parts.push_back(fmt::format("{}:{}", port, valueText(count)));
                    }
                } else if (ports.is_array()) {
                    for (const auto& entry : ports) {
                        parts.push_back(portCount(entry));
                    }
                } else {
                    return valueText(ports);
                }
                return fmt::format("{}", fmt::join(parts, " "));
            }};
}

Column subject() {
    return {"subject", [](const Event& event) { return store::eventSubject(event).value_or("-"); }};
}

std::vector<Column> columnsFor(QueryKind kind) {
    switch (kind) {
    case QueryKind::Scans:
        return {eventTime(),        field("src"),      field("proto"),      field("tool"),
                field("scan_kind"), number("packets"), number("dst_count"), topPorts()};
    case QueryKind::Attacks:
        return {timeField("start"), timeField("end"),  field("victim"),  field("vector"),
                field("evidence"),  number("packets"), number("est_pps")};
    case QueryKind::Ports:
        return {timeField("minute"), field("proto"), number("port"), number("packets"), number("sources")};
    case QueryKind::Events:
        break;
    }
    return {eventTime(), Column{"type", [](const Event& event) { return event.type; }}, subject()};
}

void appendRow(std::string& out, const std::vector<Column>& columns, const std::vector<std::string>& cells,
               const std::vector<size_t>& widths) {
    for (size_t i = 0; i < cells.size(); ++i) {
        const bool last = i + 1 == cells.size();
        const std::string_view separator = last ? "" : "  ";
        if (columns[i].right_aligned) {
            out += fmt::format("{:>{}}{}", cells[i], widths[i], separator);
        } else if (last) {
            out += cells[i];
        } else {
            out += fmt::format("{:<{}}{}", cells[i], widths[i], separator);
        }
    }
    out += '\n';
}

} // namespace

std::string formatEventTable(QueryKind kind, const std::vector<Event>& events) {
    const std::vector<Column> columns = columnsFor(kind);
    std::vector<std::vector<std::string>> rows;
    rows.reserve(events.size() + 1);
    auto& header = rows.emplace_back();
    for (const auto& column : columns) {
        header.emplace_back(column.header);
    }
    for (const auto& event : events) {
        auto& row = rows.emplace_back();
        for (const auto& column : columns) {
            row.push_back(printable(column.cell(event)));
        }
    }
    std::vector<size_t> widths(columns.size(), 0);
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : rows) {
        appendRow(out, columns, row, widths);
    }
    return out;
}

std::string formatCommandTable(const std::vector<honeypot::CommandCount>& rows) {
    size_t width = std::string_view("command").size();
    std::vector<std::string> names;
    names.reserve(rows.size());
    for (const auto& row : rows) {
        names.push_back(printable(row.command));
        width = std::max(width, names.back().size());
    }
    std::string out =
        fmt::format("{:<{}}  {:>8}  {:>8}  {:>8}  {:>8}\n", "command", width, "runs", "lines", "sessions", "sources");
    for (size_t i = 0; i < rows.size(); ++i) {
        out += fmt::format("{:<{}}  {:>8}  {:>8}  {:>8}  {:>8}\n", names[i], width, rows[i].runs, rows[i].lines,
                           rows[i].sessions, rows[i].sources);
    }
    return out;
}

} // namespace kansoku::cli

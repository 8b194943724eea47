#include "share/isp/csv_report.h"

namespace kansoku::share::isp {
namespace {

void appendRow(std::string& out, const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += csvField(fields[i]);
    }
    out += "\r\n";
}

template <typename T>
std::string optionalNumber(const std::optional<T>& value) {
    return value ? std::to_string(*value) : std::string();
}

} // namespace

const std::vector<std::string_view>& csvColumns() {
    static const std::vector<std::string_view> columns = {
        "timestamp",     "ip",    "port",       "asn",       "geo",        "protocol", "family", "tag", "infection",
        "evidence_type", "count", "first_seen", "last_seen", "confidence", "state"};
    return columns;
}

std::string csvField(std::string_view text) {
    std::string field;
    // OWASP CSV injection: a leading = + - @ TAB or CR makes spreadsheets evaluate the cell.
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        field += '\'';
    }
    field += text;
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
        return field;
    }
    std::string quoted = "\"";
    for (const char c : field) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string csvReport(const std::vector<ReportRow>& rows) {
    std::string out;
    appendRow(out, {csvColumns().begin(), csvColumns().end()});
    for (const auto& r : rows) {
        appendRow(out, {r.timestamp, r.ip, optionalNumber(r.port), optionalNumber(r.asn), r.geo, r.protocol, r.family,
                        r.tag, r.infection, r.evidence_type, std::to_string(r.count), r.first_seen, r.last_seen,
                        std::to_string(r.confidence), r.state});
    }
    return out;
}

} // namespace kansoku::share::isp

#include "web/host_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::web {
namespace {

void appendTime(std::string& out, Timestamp ts) {
    out += '"';
    out += formatRfc3339(ts);
    out += '"';
}

void appendOptionalTime(std::string& out, const std::optional<Timestamp>& ts) {
    if (ts) {
        appendTime(out, *ts);
    } else {
        out += "null";
    }
}

/// `"name":` preceded by a comma unless it opens the object.
void key(std::string& out, std::string_view name, bool first = false) {
    if (!first) {
        out += ',';
    }
    out += '"';
    out += name;
    out += "\":";
}

} // namespace

void appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    const size_t mark = out.size();
    out += '"';
    size_t run = 0; // start of the bytes not yet appended, which need no escape
    for (size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x80) {
            // Rare (AS names): let nlohmann validate the UTF-8 and replace what is not.
            out.resize(mark);
            out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
        if (byte >= 0x20 && byte != '"' && byte != '\\') {
            continue;
        }
        out.append(text.data() + run, i - run);
        run = i + 1;
        if (byte == '"' || byte == '\\') {
            out += '\\';
            out += static_cast<char>(byte);
        } else {
            out += "\\u00";
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        }
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

void appendHostJson(std::string& out, const store::InfectedHostRecord& host, Timestamp now, bool evidence) {
    out += '{';
    key(out, "ip", true);
    appendJsonString(out, host.ip.toString());
    key(out, "asn");
    out += host.asn ? fmt::format("{}", *host.asn) : "null";
    key(out, "as_name");
    appendJsonString(out, host.as_name);
    key(out, "country");
    appendJsonString(out, host.country);
    key(out, "family");
    appendJsonString(out, host.family);
    key(out, "confidence");
    out += fmt::format("{}", host.confidence);
    key(out, "reasons");
    out += '[';
    for (size_t i = 0; i < host.reasons.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        appendJsonString(out, host.reasons[i]);
    }
    out += ']';
    key(out, "first_seen");
    appendTime(out, host.first_seen);
    key(out, "last_seen");
    appendTime(out, host.last_seen);
    key(out, "state");
    appendJsonString(out, store::hostStateName(host.state));
    key(out, "state_changed");
    appendTime(out, host.state_changed);
    key(out, "notified_at");
    appendOptionalTime(out, host.notified_at);
    key(out, "remediated_at");
    appendOptionalTime(out, host.remediated_at);
    key(out, "reinfections");
    out += fmt::format("{}", host.reinfections);
    key(out, "notice");
    if (!host.notice_token.empty() && host.notice_expires && *host.notice_expires > now) {
        appendJsonString(out, "/notice/" + host.notice_token);
    } else {
        out += "null";
    }
    if (evidence) {
        key(out, "evidence");
        out += '[';
        for (size_t i = 0; i < host.evidence.size(); ++i) {
            const auto& e = host.evidence[i];
            out += i > 0 ? ",{" : "{";
            key(out, "type", true);
            appendJsonString(out, e.type);
            key(out, "ts");
            appendTime(out, e.ts);
            key(out, "sensor");
            appendJsonString(out, e.sensor);
            key(out, "ref");
            appendJsonString(out, e.ref);
            out += '}';
        }
        out += ']';
    }
    out += '}';
}

} // namespace kansoku::web

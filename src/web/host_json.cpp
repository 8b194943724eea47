#include "web/host_json.h"

#include <iterator>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::web {
namespace {

/// Writes one JSON object's members in order.
class ObjectWriter {
public:
    explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
    void string(std::string_view name, std::string_view value) {
        key(name);
        appendJsonString(out_, value);
    }
    void number(std::string_view name, int64_t value) {
        key(name);
        fmt::format_to(std::back_inserter(out_), "{}", value);
    }
    void time(std::string_view name, Timestamp ts) {
        key(name);
        out_ += '"';
        appendRfc3339(out_, ts);
        out_ += '"';
    }
    void optionalTime(std::string_view name, const std::optional<Timestamp>& ts) {
        if (ts) {
            time(name, *ts);
        } else {
            null(name);
        }
    }
    void null(std::string_view name) {
        key(name);
        out_ += "null";
    }
    /// Starts a member whose value the caller writes to the returned string.
    std::string& member(std::string_view name) {
        key(name);
        return out_;
    }
    void close() { out_ += '}'; }

private:
    void key(std::string_view name) {
        if (!first_) {
            out_ += ',';
        }
        first_ = false;
        out_ += '"';
        out_ += name;
        out_ += "\":";
    }
    std::string& out_;
    bool first_ = true;
};

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

void appendHostJson(std::string& out, const store::InfectedHostRecord& host, Timestamp now, bool evidence,
                    const std::string* isp) {
    ObjectWriter o(out);
    o.string("ip", host.ip.toString());
    if (host.asn) {
        o.number("asn", *host.asn);
    } else {
        o.null("asn");
    }
    o.string("as_name", host.as_name);
    o.string("country", host.country);
    if (isp != nullptr && !isp->empty()) {
        o.string("isp", *isp);
    } else if (isp != nullptr) {
        o.null("isp");
    }
    o.string("family", host.family);
    o.number("confidence", host.confidence);
    auto& reasons = o.member("reasons");
    reasons += '[';
    for (size_t i = 0; i < host.reasons.size(); ++i) {
        reasons += i > 0 ? "," : "";
        appendJsonString(reasons, host.reasons[i]);
    }
    reasons += ']';
    o.time("first_seen", host.first_seen);
    o.time("last_seen", host.last_seen);
    o.string("state", store::hostStateName(host.state));
    o.time("state_changed", host.state_changed);
    o.optionalTime("notified_at", host.notified_at);
    o.optionalTime("remediated_at", host.remediated_at);
    o.number("reinfections", host.reinfections);
    if (!host.notice_token.empty() && host.notice_expires && *host.notice_expires > now) {
        o.string("notice", "/notice/" + host.notice_token);
    } else {
        o.null("notice");
    }
    // Partners' indicators naming the host (issue 12 item 4), as far as TLP lets them reach an ISP: an ISP is
    // the center's constituent (AMBER: "clients with a need to know"); AMBER+STRICT stays in the organisation.
    auto& partners = o.member("partner_intel");
    partners += '[';
    bool first = true;
    for (const auto& label : host.partner_intel) {
        if (label.tlp != "clear" && label.tlp != "green" && label.tlp != "amber") {
            continue;
        }
        partners += first ? "" : ",";
        first = false;
        ObjectWriter p(partners);
        p.string("feed", label.feed);
        p.string("indicator_id", label.indicator_id);
        p.string("name", label.name);
        p.string("tlp", label.tlp);
        p.close();
    }
    partners += ']';
    if (evidence) {
        auto& list = o.member("evidence");
        list += '[';
        for (size_t i = 0; i < host.evidence.size(); ++i) {
            list += i > 0 ? "," : "";
            ObjectWriter e(list);
            e.string("type", host.evidence[i].type);
            e.time("ts", host.evidence[i].ts);
            e.string("sensor", host.evidence[i].sensor);
            e.string("ref", host.evidence[i].ref);
            e.close();
        }
        list += ']';
    }
    o.close();
}

} // namespace kansoku::web

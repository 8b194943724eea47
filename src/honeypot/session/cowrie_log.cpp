#include "honeypot/session/cowrie_log.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

namespace kansoku::honeypot {
namespace {

using Json = nlohmann::ordered_json;

std::string text(const Json& fields, std::string_view key) {
    auto it = fields.find(key);
    return it != fields.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The attributes Cowrie shares across its events, in its order.
Json base(const Event& event, std::string_view eventid, const Json& fields) {
    Json record = Json::object();
    record["eventid"] = eventid;
    record["timestamp"] = formatRfc3339(event.ts);
    record["session"] = text(fields, "session");
    record["src_ip"] = text(fields, "src");
    record["sensor"] = event.sensor;
    return record;
}

bool isUpload(std::string_view tool) {
    return tool == "scp" || tool == "sftp" || tool == "stdin";
}

} // namespace

std::vector<Json> toCowrie(const Event& event) {
    std::vector<Json> out;
    const Json& f = event.fields;
    if (!event.type.starts_with("honeypot.")) {
        return out;
    }
    const std::string protocol = text(f, "protocol");
    if (protocol != "telnet" && protocol != "ssh") {
        return out;
    }
    if (event.type == "honeypot.connect") {
        Json r = base(event, "cowrie.session.connect", f);
        r["src_port"] = f.value("src_port", 0);
        r["dst_ip"] = text(f, "dst");
        r["dst_port"] = f.value("dst_port", 0);
        r["protocol"] = protocol;
        r["message"] = fmt::format("New connection: {}:{} ({}:{}) [session: {}]", text(f, "src"),
                                   f.value("src_port", 0), text(f, "dst"), f.value("dst_port", 0), text(f, "session"));
        out.push_back(std::move(r));
    } else if (event.type == "honeypot.login") {
        const bool success = f.value("success", false);
        Json r = base(event, success ? "cowrie.login.success" : "cowrie.login.failed", f);
        r["username"] = text(f, "username");
        r["password"] = text(f, "password");
        r["message"] = fmt::format("login attempt [{}/{}] {}", text(f, "username"), text(f, "password"),
                                   success ? "succeeded" : "failed");
        out.push_back(std::move(r));
    } else if (event.type == "honeypot.command") {
        Json r = base(event, "cowrie.command.input", f);
        r["input"] = text(f, "input");
        r["message"] = "CMD: " + text(f, "input");
        out.push_back(std::move(r));
        if (f.value("status", 0) == 127) {
            Json failed = base(event, "cowrie.command.failed", f);
            failed["input"] = text(f, "input");
            failed["message"] = "Command not found: " + text(f, "input");
            out.push_back(std::move(failed));
        }
    } else if (event.type == "honeypot.download" && text(f, "outcome") == "ok" && isUpload(text(f, "tool"))) {
        // Files sent over SCP or SFTP (and exec stdin) are Cowrie's file_upload.
        Json r = base(event, "cowrie.session.file_upload", f);
        r["filename"] = text(f, "path");
        r["outfile"] = "samples/" + text(f, "sha256");
        r["shasum"] = text(f, "sha256");
        r["message"] = fmt::format("Saved uploaded file ({}) with SHA-256 {}", text(f, "path"), text(f, "sha256"));
        out.push_back(std::move(r));
    } else if (event.type == "honeypot.download" && text(f, "outcome") == "ok") {
        // Cowrie logs files fetched by wget/curl and files written through redirection alike as
        // file_download, the latter with the path as its url.
        Json r = base(event, "cowrie.session.file_download", f);
        const std::string url = f.contains("url") ? text(f, "url") : text(f, "path");
        r["url"] = url;
        r["outfile"] = "samples/" + text(f, "sha256");
        r["shasum"] = text(f, "sha256");
        r["message"] = fmt::format("Downloaded URL ({}) with SHA-256 {}", url, text(f, "sha256"));
        out.push_back(std::move(r));
    } else if (event.type == "honeypot.ssh_client") {
        if (f.contains("client_version")) {
            Json r = base(event, "cowrie.client.version", f);
            r["version"] = text(f, "client_version");
            r["message"] = "Remote SSH version: " + text(f, "client_version");
            out.push_back(std::move(r));
        }
        if (f.contains("hassh")) {
            Json r = base(event, "cowrie.client.kex", f);
            r["hassh"] = text(f, "hassh");
            r["hasshAlgorithms"] = text(f, "hassh_algorithms");
            // hassh_algorithms is "kex;enc_c2s;mac_c2s;cmp_c2s" (name-lists, comma-separated).
            const std::string algorithms = text(f, "hassh_algorithms");
            const char* keys[] = {"kexAlgs", "encCS", "macCS", "compCS"};
            size_t start = 0;
            for (const char* key : keys) {
                const size_t end = std::min(algorithms.find(';', start), algorithms.size());
                Json names = Json::array();
                for (size_t at = start; at < end;) {
                    const size_t comma = std::min(algorithms.find(',', at), end);
                    if (comma > at) {
                        names.push_back(algorithms.substr(at, comma - at));
                    }
                    at = comma + 1;
                }
                r[key] = std::move(names);
                start = std::min(end + 1, algorithms.size());
            }
            // Not in the KEXINIT summary kansoku keeps: the host key and language lists.
            r["keyAlgs"] = Json::array();
            r["langCS"] = Json::array();
            r["message"] = "SSH client hassh fingerprint: " + text(f, "hassh");
            out.push_back(std::move(r));
        }
    } else if (event.type == "honeypot.session") {
        Json r = base(event, "cowrie.session.closed", f);
        r["duration"] = f.value("duration_s", 0.0);
        r["message"] = fmt::format("Connection lost after {:.0f} seconds", f.value("duration_s", 0.0));
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::unique_ptr<CowrieLogSink>> CowrieLogSink::open(const std::string& path) {
    auto writer = JsonlWriter::openAppend(path);
    KANSOKU_TRY(writer);
    return std::unique_ptr<CowrieLogSink>(new CowrieLogSink(std::move(*writer)));
}

void CowrieLogSink::publish(const Event& event) {
    for (const auto& record : toCowrie(event)) {
        writer_->publishLine(record.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
}

} // namespace kansoku::honeypot

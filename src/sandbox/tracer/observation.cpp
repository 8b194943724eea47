#include "sandbox/tracer/observation.h"

#include "common/printable.h"

namespace kansoku::sandbox {

namespace {

using Json = nlohmann::ordered_json;

/// Tracee strings are hostile bytes (common/printable.h).
std::string printable(const std::string& text) {
    return escapeNonPrintable(text);
}

Json optionalInt(const std::optional<int>& value) {
    return value ? Json(*value) : Json(nullptr);
}

} // namespace

const ProcessRecord* Observation::process(int pid) const {
    for (const ProcessRecord& record : processes) {
        if (record.pid == pid) {
            return &record;
        }
    }
    return nullptr;
}

nlohmann::ordered_json Observation::toJson() const {
    Json doc = Json::object();
    doc["source"] = source;
    Json procs = Json::array();
    for (const ProcessRecord& p : processes) {
        Json execs = Json::array();
        for (const ExecRecord& e : p.execs) {
            Json argv = Json::array();
            for (const std::string& arg : e.argv) {
                argv.push_back(printable(arg));
            }
            execs.push_back(Json{{"path", printable(e.path)}, {"argv", std::move(argv)}, {"result", e.result}});
        }
        procs.push_back(Json{{"pid", p.pid},
                             {"parent", p.parent},
                             {"origin", p.origin},
                             {"execs", std::move(execs)},
                             {"name", printable(p.name)},
                             {"exit_code", optionalInt(p.exit_code)},
                             {"exit_signal", optionalInt(p.exit_signal)},
                             {"killed_at_deadline", p.killed_at_deadline}});
    }
    doc["processes"] = std::move(procs);
    Json file_list = Json::array();
    for (const FileActivity& f : files) {
        Json item{{"pid", f.pid}, {"op", f.op}, {"path", printable(f.path)}};
        if (!f.target.empty()) {
            item["target"] = printable(f.target);
        }
        item["flags"] = f.flags;
        item["mode"] = f.mode;
        item["result"] = f.result;
        item["bytes_written"] = f.bytes_written;
        item["self_delete"] = f.self_delete;
        file_list.push_back(std::move(item));
    }
    doc["files"] = std::move(file_list);
    Json net = Json::array();
    for (const NetworkActivity& n : network) {
        net.push_back(Json{{"pid", n.pid},
                           {"op", n.op},
                           {"domain", n.domain},
                           {"type", n.type},
                           {"protocol", n.protocol},
                           {"raw", n.raw},
                           {"address", printable(n.address)},
                           {"port", n.port},
                           {"result", n.result}});
    }
    doc["network"] = std::move(net);
    Json send_list = Json::array();
    for (const SendDestination& s : sends) {
        send_list.push_back(
            Json{{"address", printable(s.address)}, {"port", s.port}, {"calls", s.calls}, {"bytes", s.bytes}});
    }
    doc["sends"] = std::move(send_list);
    Json sig = Json::array();
    for (const SignalActivity& s : signals) {
        sig.push_back(Json{{"pid", s.pid},
                           {"call", s.call},
                           {"target", s.target},
                           {"signal", s.signal},
                           {"target_kind", s.target_kind},
                           {"result", s.result}});
    }
    doc["signals"] = std::move(sig);
    Json persist = Json::array();
    for (const PersistenceAttempt& p : persistence) {
        persist.push_back(
            Json{{"pid", p.pid}, {"kind", p.kind}, {"path", printable(p.path)}, {"op", p.op}, {"result", p.result}});
    }
    doc["persistence"] = std::move(persist);
    Json ren = Json::array();
    for (const RenameActivity& r : renames) {
        ren.push_back(Json{{"pid", r.pid}, {"kind", r.kind}, {"from", printable(r.from)}, {"to", printable(r.to)}});
    }
    doc["renames"] = std::move(ren);
    doc["self_deleted"] = self_deleted;
    doc["watchdog_access"] = watchdog_access;
    doc["deadline_reached"] = deadline_reached;
    doc["counters"] = Json{{"syscalls", counters.syscalls},
                           {"events_dropped", counters.events_dropped},
                           {"processes_dropped", counters.processes_dropped},
                           {"strings_truncated", counters.strings_truncated},
                           {"memory_read_failures", counters.memory_read_failures},
                           {"destinations_dropped", counters.destinations_dropped},
                           {"lines_malformed", counters.lines_malformed},
                           {"unknown_pids", counters.unknown_pids},
                           {"processes_killed", counters.processes_killed},
                           {"compat_syscalls", counters.compat_syscalls}};
    return doc;
}

} // namespace kansoku::sandbox

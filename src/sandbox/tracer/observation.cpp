#include "sandbox/tracer/observation.h"

#include "common/attacker_text.h"

namespace kansoku::sandbox {

namespace {

using Json = nlohmann::ordered_json;

/// `object` with the tracee's string `key` added by the attacker-bytes rule (common/attacker_text.h):
/// valid UTF-8, and `<key>_b64` with the exact bytes when they were not.
Json withText(Json object, const std::string& key, std::string_view bytes) {
    setAttackerText(object, key, bytes);
    return object;
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
            Json exec = withText(Json::object(), "path", e.path);
            setAttackerTextArray(exec, "argv", e.argv);
            exec["result"] = e.result;
            execs.push_back(std::move(exec));
        }
        Json proc{{"pid", p.pid}, {"parent", p.parent}, {"origin", p.origin}, {"execs", std::move(execs)}};
        setAttackerText(proc, "name", p.name);
        proc["exit_code"] = optionalInt(p.exit_code);
        proc["exit_signal"] = optionalInt(p.exit_signal);
        proc["killed_at_deadline"] = p.killed_at_deadline;
        procs.push_back(std::move(proc));
    }
    doc["processes"] = std::move(procs);
    Json file_list = Json::array();
    for (const FileActivity& f : files) {
        Json item = withText(Json{{"pid", f.pid}, {"op", f.op}}, "path", f.path);
        if (!f.target.empty()) {
            setAttackerText(item, "target", f.target);
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
        Json item = withText(Json{{"pid", n.pid},
                                  {"op", n.op},
                                  {"domain", n.domain},
                                  {"type", n.type},
                                  {"protocol", n.protocol},
                                  {"raw", n.raw}},
                             "address", n.address);
        item["port"] = n.port;
        item["result"] = n.result;
        net.push_back(std::move(item));
    }
    doc["network"] = std::move(net);
    Json send_list = Json::array();
    for (const SendDestination& s : sends) {
        Json item = withText(Json::object(), "address", s.address);
        item["port"] = s.port;
        item["calls"] = s.calls;
        item["bytes"] = s.bytes;
        send_list.push_back(std::move(item));
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
        Json item = withText(Json{{"pid", p.pid}, {"kind", p.kind}}, "path", p.path);
        item["op"] = p.op;
        item["result"] = p.result;
        persist.push_back(std::move(item));
    }
    doc["persistence"] = std::move(persist);
    Json ren = Json::array();
    for (const RenameActivity& r : renames) {
        Json item = withText(Json{{"pid", r.pid}, {"kind", r.kind}}, "from", r.from);
        setAttackerText(item, "to", r.to);
        ren.push_back(std::move(item));
    }
    doc["renames"] = std::move(ren);
    Json den = Json::array();
    for (const DeniedSyscall& d : denied) {
        Json item = Json{{"pid", d.pid}, {"name", d.name}};
        setAttackerTextArray(item, "args", d.args);
        item["result"] = d.result;
        den.push_back(std::move(item));
    }
    doc["denied_syscalls"] = std::move(den);
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
                           {"compat_syscalls", counters.compat_syscalls},
                           {"emulator_syscalls", counters.emulator_syscalls}};
    return doc;
}

} // namespace kansoku::sandbox

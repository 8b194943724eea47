#include "sandbox/analysis/signatures.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <set>

#include <sys/socket.h>

#include "common/ip_address.h"

namespace kansoku::sandbox {

namespace {

using Json = nlohmann::ordered_json;

std::string safeText(std::string_view text) {
    return printableText(text);
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool isLoopbackText(std::string_view address) {
    return startsWith(address, "127.") || address == "::1" || startsWith(address, "::ffff:127.");
}

bool underWritableDir(std::string_view path) {
    // The jail's default writable directories (JailOptions::writable_dirs) and the pseudo-devices.
    for (const std::string_view dir : {"/tmp/", "/var/run/", "/dev/null", "/dev/watchdog", "/dev/misc/watchdog"}) {
        if (startsWith(path, dir)) {
            return true;
        }
    }
    return false;
}

/// Refused syscalls that are container-escape techniques (T1611): mounts, new namespaces, module loading,
/// kexec, handles to host files (the "shocker" open_by_handle_at), other processes' memory, kernel programs.
bool isEscapeSyscall(std::string_view name) {
    static constexpr std::string_view kEscapes[] = {"mount",
                                                    "umount2",
                                                    "pivot_root",
                                                    "chroot",
                                                    "fsopen",
                                                    "fsmount",
                                                    "move_mount",
                                                    "open_tree",
                                                    "unshare",
                                                    "setns",
                                                    "clone",
                                                    "init_module",
                                                    "finit_module",
                                                    "kexec_load",
                                                    "kexec_file_load",
                                                    "open_by_handle_at",
                                                    "name_to_handle_at",
                                                    "ptrace",
                                                    "process_vm_readv",
                                                    "process_vm_writev",
                                                    "bpf"};
    return std::find(std::begin(kEscapes), std::end(kEscapes), name) != std::end(kEscapes);
}

bool isTerminatingSignal(int signal) {
    return signal == SIGKILL || signal == SIGTERM || signal == SIGINT || signal == SIGHUP || signal == SIGQUIT;
}

class Matcher {
public:
    Matcher(const BehaviourReport& report, const SignatureThresholds& thresholds) : report_(report), t_(thresholds) {}

    std::vector<SignatureHit> run() {
        networkScan();
        floodBehaviour();
        c2Contact();
        hardcodedResolver();
        selfDeletion();
        masquerading();
        processKilling();
        singleInstanceBind();
        persistence();
        watchdogAccess();
        escapeAttempts();
        return std::move(hits_);
    }

private:
    SignatureHit& add(std::string id, std::string name, Severity severity, std::vector<std::string> mitre) {
        SignatureHit hit;
        hit.id = std::move(id);
        hit.name = std::move(name);
        hit.severity = severity;
        hit.mitre = std::move(mitre);
        hits_.push_back(std::move(hit));
        return hits_.back();
    }

    // T1046 Network Service Discovery: https://attack.mitre.org/techniques/T1046/
    // A SYN sweep over many addresses (Mirai's telnet scanner: Antonakakis et al., USENIX Security 2017).
    void networkScan() {
        const fakenet::TrafficSummary& syn = report_.network.tcp_syn;
        if (syn.distinctDestinations() < t_.scan_min_destinations || syn.packets() < t_.scan_min_packets) {
            return;
        }
        SignatureHit& hit = add("network_scan", "scans many hosts with TCP SYNs", Severity::High, {"T1046"});
        if (report_.scan) {
            hit.evidence = report_.scan->toJson();
        }
        bool raw = false;
        for (const NetworkActivity& n : report_.behaviour.network) {
            raw = raw || (n.op == "socket" && n.raw);
        }
        hit.evidence["raw_socket"] = raw;
    }

    // T1498 Network Denial of Service / T1498.001 Direct Network Flood:
    // https://attack.mitre.org/techniques/T1498/001/ — many packets at a high rate to few targets.
    void floodBehaviour() {
        const std::pair<const char*, const fakenet::TrafficSummary*> kinds[] = {{"udp", &report_.network.udp},
                                                                                {"tcp_syn", &report_.network.tcp_syn},
                                                                                {"icmp", &report_.network.icmp},
                                                                                {"other", &report_.network.other}};
        for (const auto& [name, summary] : kinds) {
            if (summary->packets() >= t_.flood_min_packets && summary->packetsPerSecond() >= t_.flood_min_pps &&
                summary->distinctDestinations() <= t_.flood_max_destinations) {
                SignatureHit& hit = add("network_flood", "floods a few targets at a high packet rate", Severity::High,
                                        {"T1498", "T1498.001"});
                hit.evidence = {{"proto", name},
                                {"packets", summary->packets()},
                                {"bytes", summary->bytes()},
                                {"pps", summary->packetsPerSecond()},
                                {"dst_count", summary->distinctDestinations()}};
                return;
            }
        }
    }

    // T1071 Application Layer Protocol (https://attack.mitre.org/techniques/T1071/) and T1571 Non-Standard
    // Port (https://attack.mitre.org/techniques/T1571/): a completed TCP connection that carried data.
    void c2Contact() {
        Json items = Json::array();
        bool non_standard = false;
        for (const fakenet::ConnectionRecord& c : report_.network.connections) {
            if (c.bytes_received == 0 || items.size() >= t_.max_evidence_items) {
                continue;
            }
            const bool standard = c.dst_port == 80 || c.dst_port == 443;
            non_standard = non_standard || !standard;
            items.push_back({{"dst", c.dst.toString()},
                             {"dst_port", c.dst_port},
                             {"first_bytes_hex", fakenet::toHex(c.first_bytes)},
                             {"first_bytes_text", fakenet::printable(c.first_bytes)},
                             {"bytes", c.bytes_received}});
        }
        if (items.empty()) {
            return;
        }
        std::vector<std::string> mitre = {"T1071"};
        if (non_standard) {
            mitre.emplace_back("T1571");
        }
        SignatureHit& hit =
            add("c2_contact", "contacts a server and sends data (possible C2)", Severity::Medium, std::move(mitre));
        hit.evidence = {{"connections", std::move(items)}};
    }

    // T1071.004 Application Layer Protocol: DNS (https://attack.mitre.org/techniques/T1071/004/): a query
    // sent to a resolver the device is not configured with (Mirai's resolv.c asks 8.8.8.8 directly).
    void hardcodedResolver() {
        Json items = Json::array();
        std::set<std::string> seen;
        for (const fakenet::DnsRecord& d : report_.network.dns) {
            const std::string resolver = d.resolver.toString();
            const bool configured =
                std::find(report_.resolvers.begin(), report_.resolvers.end(), resolver) != report_.resolvers.end();
            if (configured || !seen.insert(resolver + " " + d.qname).second || items.size() >= t_.max_evidence_items) {
                continue;
            }
            items.push_back({{"resolver", resolver}, {"qname", safeText(d.qname)}, {"qtype", d.qtype}});
        }
        if (!items.empty()) {
            SignatureHit& hit = add("dns_hardcoded_resolver", "queries a DNS resolver it was not configured with",
                                    Severity::Medium, {"T1071.004"});
            hit.evidence = {{"queries", std::move(items)}, {"configured", report_.resolvers}};
        }
    }

    // T1070.004 Indicator Removal: File Deletion (https://attack.mitre.org/techniques/T1070/004/).
    void selfDeletion() {
        if (!report_.behaviour.self_deleted) {
            return;
        }
        Json paths = Json::array();
        for (const FileActivity& f : report_.behaviour.files) {
            if (f.self_delete && paths.size() < t_.max_evidence_items) {
                paths.push_back(safeText(f.path));
            }
        }
        SignatureHit& hit = add("self_deletion", "deletes its own executable", Severity::High, {"T1070.004"});
        hit.evidence = {{"paths", std::move(paths)}};
    }

    // T1036.005 Masquerading: Match Legitimate Name or Location
    // (https://attack.mitre.org/techniques/T1036/005/): prctl(PR_SET_NAME) or argv overwrite.
    // A prctl name equal to the process's own argv[0] is not one: BusyBox re-executes itself
    // through /proc/self/exe and then names the process after the applet ("exe" -> "wget").
    void masquerading() {
        Json items = Json::array();
        for (const RenameActivity& r : report_.behaviour.renames) {
            if (r.kind == "prctl" && isOwnArgv0(r.pid, r.to)) {
                continue;
            }
            if (items.size() < t_.max_evidence_items) {
                items.push_back({{"kind", r.kind}, {"from", safeText(r.from)}, {"to", safeText(r.to)}});
            }
        }
        if (items.empty()) {
            return;
        }
        SignatureHit& hit =
            add("process_masquerading", "renames its process to look legitimate", Severity::Medium, {"T1036.005"});
        hit.evidence = {{"renames", std::move(items)}};
    }

    /// True when `name` is the last part of the argv[0] the process `pid` was last executed with.
    bool isOwnArgv0(int pid, const std::string& name) const {
        for (const ProcessRecord& p : report_.behaviour.processes) {
            if (p.pid != pid || p.execs.empty() || p.execs.back().argv.empty()) {
                continue;
            }
            const std::string& argv0 = p.execs.back().argv.front();
            const std::string base =
                argv0.substr(argv0.find_last_of('/') == std::string::npos ? 0 : argv0.find_last_of('/') + 1);
            // PR_SET_NAME keeps 15 bytes.
            return !name.empty() && base.compare(0, 15, name) == 0 && (base.size() <= 15 || name.size() == 15);
        }
        return false;
    }

    // T1489 Service Stop (https://attack.mitre.org/techniques/T1489/) and T1562.001 Impair Defenses:
    // Disable or Modify Tools (https://attack.mitre.org/techniques/T1562/001/): Mirai's killer.c SIGKILLs
    // rival bots and services by name. Terminating signals to a single other process (not itself, not a
    // process group) count; in the jail's PID namespace the only other processes are the sample's own.
    void processKilling() {
        Json items = Json::array();
        uint64_t kills = 0;
        for (const SignalActivity& s : report_.behaviour.signals) {
            if (!isTerminatingSignal(s.signal) || s.target_kind == "self" || s.target_kind == "group" ||
                s.target == s.pid) {
                continue;
            }
            ++kills;
            if (items.size() < t_.max_evidence_items) {
                items.push_back({{"pid", s.pid},
                                 {"target", s.target},
                                 {"target_kind", s.target_kind},
                                 {"signal", s.signal},
                                 {"result", s.result}});
            }
        }
        if (kills == 0) {
            return;
        }
        SignatureHit& hit = add("process_killing", "kills other processes", Severity::Medium, {"T1489", "T1562.001"});
        hit.evidence = {{"kills", kills}, {"signals", std::move(items)}};
    }

    // T1480.002 Execution Guardrails: Mutual Exclusion (https://attack.mitre.org/techniques/T1480/002/):
    // a bind on a loopback port so a second copy can tell one already runs (Mirai: 127.0.0.1:48101).
    void singleInstanceBind() {
        for (const NetworkActivity& n : report_.behaviour.network) {
            if (n.op == "bind" && n.port > 0 && isLoopbackText(n.address)) {
                SignatureHit& hit = add("single_instance_bind", "binds a loopback port to run as a single instance",
                                        Severity::Low, {"T1480.002"});
                hit.evidence = {{"address", safeText(n.address)}, {"port", n.port}, {"result", n.result}};
                return;
            }
        }
    }

    // T1053.003 Scheduled Task/Job: Cron (https://attack.mitre.org/techniques/T1053/003/), T1037.004 Boot or
    // Logon Initialization Scripts: RC Scripts (https://attack.mitre.org/techniques/T1037/004/), T1543.002
    // Systemd Service (https://attack.mitre.org/techniques/T1543/002/), T1546.004 Unix Shell Configuration
    // Modification (https://attack.mitre.org/techniques/T1546/004/). Attempts count even when they failed.
    void persistence() {
        if (report_.behaviour.persistence.empty()) {
            return;
        }
        std::set<std::string> mitre;
        Json items = Json::array();
        for (const PersistenceAttempt& p : report_.behaviour.persistence) {
            if (p.kind == "cron") {
                mitre.insert("T1053.003");
            } else if (p.kind == "init_script" || p.kind == "rc" || p.kind == "inittab") {
                mitre.insert("T1037.004");
            } else if (p.kind == "systemd") {
                mitre.insert("T1543.002");
            } else if (p.kind == "shell_profile") {
                mitre.insert("T1546.004");
            }
            if (items.size() < t_.max_evidence_items) {
                items.push_back({{"kind", p.kind}, {"path", safeText(p.path)}, {"op", p.op}, {"result", p.result}});
            }
        }
        SignatureHit& hit = add("persistence", "tries to make itself start again (boot scripts, cron)", Severity::High,
                                {mitre.begin(), mitre.end()});
        hit.evidence = {{"attempts", std::move(items)}};
    }

    // Mirai opens /dev/watchdog and disables it so the device does not reboot while the bot runs.
    // T1562 Impair Defenses (https://attack.mitre.org/techniques/T1562/): the closest technique.
    void watchdogAccess() {
        if (!report_.behaviour.watchdog_access) {
            return;
        }
        Json items = Json::array();
        for (const FileActivity& f : report_.behaviour.files) {
            if (f.path.find("watchdog") != std::string::npos && items.size() < t_.max_evidence_items) {
                items.push_back({{"op", f.op}, {"path", safeText(f.path)}, {"flags", f.flags}, {"result", f.result}});
            }
        }
        SignatureHit& hit =
            add("watchdog_access", "opens or disables the hardware watchdog", Severity::Medium, {"T1562"});
        hit.evidence = {{"files", std::move(items)}};
    }

    // T1611 Escape to Host (https://attack.mitre.org/techniques/T1611/): writes outside the writable
    // directories (other than persistence paths, reported above, and the sample's own executable), paths that
    // climb out (/../, /proc/1/root), connections to loopback listeners, syscalls the seccomp policy refused that are
    // escape techniques (mount, unshare, chroot, module loading, ...), syscalls through the i386 ABI.
    // Each item says what was tried and how it ended: "blocked" (the syscall failed), "in_progress" (a non-blocking
    // connect, which can only end on the jail's own loopback) or "stayed_inside" (it
    // succeeded on the jail's own object: its read-only root copy, its /proc, its own loopback). The jail
    // shares nothing with the host that a successful syscall could reach, so nothing is ever "succeeded".
    void escapeAttempts() {
        Json items = Json::array();
        uint64_t attempts = 0;
        uint64_t blocked = 0;
        uint64_t stayed_inside = 0;
        auto note = [&](Json item, long result, std::string_view inside) {
            ++attempts;
            if (result == -EINPROGRESS) {
                // A non-blocking connect: its end is not a syscall result, but it can only end on the jail's own
                // loopback (refused, or accepted by a listener of the sample's).
                item["outcome"] = "in_progress";
                item["inside"] = inside;
            } else if (result < 0) {
                ++blocked;
                item["outcome"] = "blocked";
                if (item.contains("result")) {
                    item["errno"] = -result;
                }
            } else {
                ++stayed_inside;
                item["outcome"] = "stayed_inside";
                item["inside"] = inside;
            }
            if (items.size() < t_.max_evidence_items) {
                items.push_back(std::move(item));
            }
        };
        std::set<std::string> persistence_paths;
        for (const PersistenceAttempt& p : report_.behaviour.persistence) {
            persistence_paths.insert(p.path);
        }
        for (const FileActivity& f : report_.behaviour.files) {
            const bool writes = f.op == "create" || f.op == "write" || f.op == "unlink" || f.op == "rename" ||
                                f.op == "chmod" || f.op == "mkdir" || f.op == "rmdir";
            const bool climbs = f.path.find("/../") != std::string::npos || startsWith(f.path, "../") ||
                                startsWith(f.path, "/proc/1/root") || startsWith(f.path, "/proc/self/root");
            // A relative path the producer could not resolve stays under the sample's cwd unless it climbs.
            const bool outside = climbs || (startsWith(f.path, "/") && !underWritableDir(f.path));
            if (!writes || f.self_delete || persistence_paths.count(f.path) != 0 || !outside) {
                continue;
            }
            note({{"kind", "file"},
                  {"tried", f.op + " " + safeText(f.path) + (climbs ? " (climbing out of the root)" : "")},
                  {"op", f.op},
                  {"path", safeText(f.path)},
                  {"result", f.result}},
                 f.result, "the jail's own root (a read-only copy; no host directory is mounted)");
        }
        for (const NetworkActivity& n : report_.behaviour.network) {
            if (n.op == "connect" && isLoopbackText(n.address)) {
                note({{"kind", "loopback_connect"},
                      {"tried", "connect to " + safeText(n.address) + ":" + std::to_string(n.port) +
                                    " (a service of the host over loopback)"},
                      {"address", safeText(n.address)},
                      {"port", n.port},
                      {"result", n.result}},
                     n.result, "the jail's own loopback (its network namespace has no route to the host)");
            }
        }
        for (const DeniedSyscall& d : report_.behaviour.denied) {
            if (!isEscapeSyscall(d.name)) {
                continue;
            }
            std::string tried = d.name + "(";
            for (std::size_t i = 0; i < d.args.size(); ++i) {
                tried += (i == 0 ? "" : ", ") + safeText(d.args[i]);
            }
            note({{"kind", "syscall"}, {"tried", tried + ") (refused by the seccomp policy)"}, {"result", d.result}},
                 d.result, "");
        }
        if (const uint64_t compat = report_.behaviour.counters.compat_syscalls; compat > 0) {
            // The seccomp policy kills a process at its first syscall through another ABI.
            note({{"kind", "compat_syscalls"},
                  {"tried", "syscalls through the i386 ABI (the seccomp policy kills the process)"},
                  {"count", compat}},
                 -1, "");
        }
        if (attempts == 0) {
            return;
        }
        SignatureHit& hit = add("escape_attempt", "tries to reach outside the sandbox", Severity::High, {"T1611"});
        hit.evidence = {{"attempts", attempts},
                        {"blocked", blocked},
                        {"stayed_inside", stayed_inside},
                        {"items", std::move(items)}};
    }

    const BehaviourReport& report_;
    const SignatureThresholds& t_;
    std::vector<SignatureHit> hits_;
};

} // namespace

int severityWeight(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return 0;
    case Severity::Low:
        return 10;
    case Severity::Medium:
        return 20;
    case Severity::High:
        return 40;
    }
    return 0;
}

std::vector<SignatureHit> matchSignatures(const BehaviourReport& report, const SignatureThresholds& thresholds) {
    return Matcher(report, thresholds).run();
}

void applySignatures(BehaviourReport& report, const SignatureThresholds& thresholds) {
    report.signatures = matchSignatures(report, thresholds);
    int score = 0;
    int high = 0;
    for (const SignatureHit& hit : report.signatures) {
        score += severityWeight(hit.severity);
        high += hit.severity == Severity::High ? 1 : 0;
    }
    report.score = std::min(score, 100);
    if (report.score >= 60 || high >= 2) {
        report.verdict = "malicious";
    } else if (report.score >= 20) {
        report.verdict = "suspicious";
    } else {
        report.verdict = "clean";
    }
}

} // namespace kansoku::sandbox

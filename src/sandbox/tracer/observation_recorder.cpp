#include "sandbox/tracer/observation_recorder.h"

#include <algorithm>
#include <array>
#include <filesystem>

namespace kansoku::sandbox {

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view baseName(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// Ops that change what runs at boot or login (a plain read-only open does not).
bool persistsOp(std::string_view op) {
    return op == "create" || op == "write" || op == "rename" || op == "chmod" || op == "mkdir" || op == "unlink";
}

} // namespace

std::string ObservationRecorder::normalPath(std::string_view path) {
    if (path.empty()) {
        return {};
    }
    std::string normal = std::filesystem::path(path).lexically_normal().string();
    if (normal.size() > 1 && normal.back() == '/') {
        normal.pop_back();
    }
    return normal;
}

bool pathNamesFile(std::string_view path, std::string_view file) {
    const std::string normal = ObservationRecorder::normalPath(path);
    if (normal.empty() || file.empty()) {
        return false;
    }
    if (normal.front() == '/') {
        return normal == file;
    }
    // A path the producer could not resolve (qemu's log has no cwd): "bot" or "./bot" names "/tmp/bot";
    // a relative path that climbs ("../x") is not matched.
    if (normal.rfind("..", 0) == 0) {
        return false;
    }
    return file.size() > normal.size() && file.substr(file.size() - normal.size()) == normal &&
           file[file.size() - normal.size() - 1] == '/';
}

bool ObservationRecorder::isOwnExecutable(std::string_view path) const {
    return std::any_of(executed_paths_.begin(), executed_paths_.end(),
                       [&](const std::string& executed) { return pathNamesFile(path, executed); });
}

ObservationRecorder::ObservationRecorder(std::string source, ObservationLimits limits) : limits_(limits) {
    observation_.source = std::move(source);
}

std::string ObservationRecorder::bound(std::string_view text) {
    if (text.size() > limits_.max_string_bytes) {
        ++observation_.counters.strings_truncated;
        text = text.substr(0, limits_.max_string_bytes);
    }
    return std::string(text);
}

bool ObservationRecorder::takeEventSlot() {
    if (events_ >= limits_.max_events) {
        ++observation_.counters.events_dropped;
        return false;
    }
    ++events_;
    return true;
}

ProcessRecord* ObservationRecorder::find(int pid) {
    const auto it = process_index_.find(pid);
    return it == process_index_.end() ? nullptr : &observation_.processes[it->second];
}

void ObservationRecorder::processStarted(int pid, int parent, std::string_view origin) {
    if (ProcessRecord* known = find(pid); known != nullptr) {
        // A child may be seen (its first stop) before its parent's fork event names the parent.
        if (known->parent == 0 && parent != 0) {
            known->parent = parent;
            known->origin = std::string(origin);
        }
        return;
    }
    if (observation_.processes.size() >= limits_.max_processes) {
        ++observation_.counters.processes_dropped;
        return;
    }
    ProcessRecord record;
    record.pid = pid;
    record.parent = parent;
    record.origin = std::string(origin);
    process_index_.emplace(pid, observation_.processes.size());
    observation_.processes.push_back(std::move(record));
}

void ObservationRecorder::exec(int pid, std::string_view path, std::vector<std::string> argv, long result) {
    if (result == 0) {
        rememberExecutable(path);
    }
    ProcessRecord* process = find(pid);
    if (process == nullptr) {
        return;
    }
    if (process->execs.size() >= limits_.max_execs_per_process) {
        ++observation_.counters.events_dropped;
        return;
    }
    ExecRecord record;
    record.path = bound(path);
    if (argv.size() > limits_.max_argv) {
        ++observation_.counters.strings_truncated;
        argv.resize(limits_.max_argv);
    }
    for (std::string& arg : argv) {
        if (arg.size() > limits_.max_string_bytes) {
            arg = bound(arg);
        }
    }
    record.argv = std::move(argv);
    record.result = result;
    process->execs.push_back(std::move(record));
}

void ObservationRecorder::rememberExecutable(std::string_view path) {
    if (!path.empty() && executed_paths_.size() < limits_.max_processes * 4) {
        executed_paths_.emplace(normalPath(path));
    }
}

void ObservationRecorder::processExited(int pid, std::optional<int> code, std::optional<int> signal) {
    if (ProcessRecord* process = find(pid); process != nullptr) {
        process->exit_code = code;
        process->exit_signal = signal;
    }
}

void ObservationRecorder::killedAtDeadline(int pid) {
    if (ProcessRecord* process = find(pid); process != nullptr) {
        process->killed_at_deadline = true;
    }
}

void ObservationRecorder::renamed(int pid, std::string_view kind, std::string_view from, std::string_view to) {
    if (kind == "prctl") {
        if (ProcessRecord* process = find(pid); process != nullptr) {
            process->name = bound(to);
        }
    }
    if (!takeEventSlot()) {
        return;
    }
    observation_.renames.push_back(RenameActivity{pid, std::string(kind), bound(from), bound(to)});
}

std::size_t ObservationRecorder::file(FileActivity activity) {
    activity.path = bound(activity.path);
    activity.target = bound(activity.target);
    if (activity.op == "unlink" && isOwnExecutable(activity.path)) {
        activity.self_delete = true;
        observation_.self_deleted = true;
    }
    if (isWatchdog(activity.path)) {
        observation_.watchdog_access = true;
    }
    if (persistsOp(activity.op)) {
        const std::string& where = activity.op == "rename" ? activity.target : activity.path;
        if (const auto kind = persistenceKind(where); kind && takeEventSlot()) {
            observation_.persistence.push_back(
                PersistenceAttempt{activity.pid, std::string(*kind), where, activity.op, activity.result});
        }
    }
    if (!takeEventSlot()) {
        return kDropped;
    }
    observation_.files.push_back(std::move(activity));
    return observation_.files.size() - 1;
}

void ObservationRecorder::addBytesWritten(std::size_t index, std::uint64_t bytes) {
    if (index < observation_.files.size()) {
        observation_.files[index].bytes_written += bytes;
    }
}

void ObservationRecorder::network(NetworkActivity activity) {
    if (!takeEventSlot()) {
        return;
    }
    activity.address = bound(activity.address);
    observation_.network.push_back(std::move(activity));
}

void ObservationRecorder::sent(std::string_view address, int port, std::uint64_t bytes) {
    auto key = std::make_pair(bound(address), port);
    auto it = destination_index_.find(key);
    if (it == destination_index_.end()) {
        if (observation_.sends.size() >= limits_.max_destinations) {
            ++observation_.counters.destinations_dropped;
            return;
        }
        it = destination_index_.emplace(key, observation_.sends.size()).first;
        observation_.sends.push_back(SendDestination{key.first, port, 0, 0});
    }
    SendDestination& destination = observation_.sends[it->second];
    ++destination.calls;
    destination.bytes += bytes;
}

void ObservationRecorder::signal(int pid, std::string_view call, int target, int signal, long result) {
    if (!takeEventSlot()) {
        return;
    }
    std::string kind;
    if (target == -1 && call == "kill") {
        kind = "all";
    } else if (target <= 0 && call == "kill") {
        kind = "group";
    } else if (target == pid) {
        kind = "self";
    } else if (knowsProcess(target)) {
        kind = "tree";
    } else {
        kind = "other";
    }
    observation_.signals.push_back(SignalActivity{pid, std::string(call), target, signal, std::move(kind), result});
}

void ObservationRecorder::denied(int pid, std::string_view name, std::vector<std::string> args, long result) {
    if (!takeEventSlot()) {
        return;
    }
    for (std::string& arg : args) {
        arg = bound(arg);
    }
    observation_.denied.push_back(DeniedSyscall{pid, std::string(name), std::move(args), result});
}

std::optional<std::string_view> ObservationRecorder::persistenceKind(std::string_view path) {
    if (startsWith(path, "/etc/init.d/") || startsWith(path, "/etc/rc.d/init.d/")) {
        return "init_script";
    }
    if (startsWith(path, "/etc/rc")) { // rc.local, rcS, rc.d/, rc3.d/ ...
        return "rc";
    }
    if (startsWith(path, "/etc/cron") || startsWith(path, "/var/spool/cron") || path == "/etc/crontab") {
        return "cron";
    }
    if (path == "/etc/inittab") {
        return "inittab";
    }
    if (startsWith(path, "/etc/systemd/") || startsWith(path, "/lib/systemd/system/") ||
        startsWith(path, "/usr/lib/systemd/system/") || path.find("/.config/systemd/") != std::string_view::npos) {
        return "systemd";
    }
    static constexpr std::array<std::string_view, 5> kProfiles = {".bashrc", ".profile", ".bash_profile", ".bash_login",
                                                                  ".zshrc"};
    const std::string_view base = baseName(path);
    for (const std::string_view profile : kProfiles) {
        if (base == profile) {
            return "shell_profile";
        }
    }
    if (path == "/etc/profile" || startsWith(path, "/etc/profile.d/") || path == "/etc/bash.bashrc") {
        return "shell_profile";
    }
    return std::nullopt;
}

bool ObservationRecorder::isWatchdog(std::string_view path) {
    return startsWith(path, "/dev/watchdog") || startsWith(path, "/dev/misc/watchdog") ||
           endsWith(path, "/dev/FTWDT101_watchdog") || endsWith(path, "/dev/FTWDT101\\ watchdog");
}

} // namespace kansoku::sandbox

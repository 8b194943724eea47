#pragma once

/// Fills an Observation with the limits applied and the shared classifications done once for both
/// producers (Tracer and QemuStraceParser): persistence paths, the watchdog device, self-deletion
/// (unlink of a file this tree executed), and whom a signal targets.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sandbox/tracer/observation.h"

namespace kansoku::sandbox {

/// True when `path` (absolute, or relative as a producer without the cwd saw it) names `file` (absolute,
/// normalised): "/tmp/./bot", "bot" and "./bot" all name "/tmp/bot"; "../bot" names nothing.
bool pathNamesFile(std::string_view path, std::string_view file);

class ObservationRecorder {
public:
    static constexpr std::size_t kDropped = static_cast<std::size_t>(-1);

    explicit ObservationRecorder(std::string source, ObservationLimits limits = {});

    const ObservationLimits& limits() const { return limits_; }
    ObservationCounters& counters() { return observation_.counters; }
    const Observation& observation() const { return observation_; }
    Observation take() { return std::move(observation_); }

    /// `text` cut to max_string_bytes (counted when cut).
    std::string bound(std::string_view text);

    bool knowsProcess(int pid) const { return process_index_.count(pid) != 0; }
    /// Adds a process/thread record (no-op if known; counted when over max_processes).
    void processStarted(int pid, int parent, std::string_view origin);
    void exec(int pid, std::string_view path, std::vector<std::string> argv, long result);
    /// Remembers `path` as an executable this tree ran (for self-deletion) without an exec record.
    void rememberExecutable(std::string_view path);
    /// True when `path` names an executable this tree ran (pathNamesFile).
    bool isOwnExecutable(std::string_view path) const;
    /// `path` without "." / ".." components and repeated or trailing slashes (lexically; symlinks are not read).
    static std::string normalPath(std::string_view path);
    void processExited(int pid, std::optional<int> code, std::optional<int> signal);
    void killedAtDeadline(int pid);
    void renamed(int pid, std::string_view kind, std::string_view from, std::string_view to);

    /// Records a file action; returns its index in files, or kDropped.
    std::size_t file(FileActivity activity);
    void addBytesWritten(std::size_t index, std::uint64_t bytes);
    void network(NetworkActivity activity);
    void sent(std::string_view address, int port, std::uint64_t bytes);
    void signal(int pid, std::string_view call, int target, int signal, long result);
    /// A syscall the seccomp policy refused, with its readable arguments (each bounded).
    void denied(int pid, std::string_view name, std::vector<std::string> args, long result);

    /// "init_script", "rc", "cron", "inittab", "systemd", "shell_profile", or nothing.
    static std::optional<std::string_view> persistenceKind(std::string_view path);
    static bool isWatchdog(std::string_view path);

private:
    bool takeEventSlot();
    ProcessRecord* find(int pid);

    ObservationLimits limits_;
    Observation observation_;
    std::map<int, std::size_t> process_index_;
    std::set<std::string, std::less<>> executed_paths_;
    std::map<std::pair<std::string, int>, std::size_t> destination_index_;
    std::size_t events_ = 0;
};

} // namespace kansoku::sandbox

#include "sandbox/analysis/sandbox_analyzer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "malware/file_type.h"
#include "malware/hashes.h"
#include "sandbox/jail/emulator.h"
#include "sandbox/jail/jail.h"
#include "sandbox/tracer/tracer.h"

namespace kansoku::sandbox {

namespace {

/// Reads up to `max` bytes of a regular file without following a symlink (the sample named it).
Result<std::vector<uint8_t>> readNoFollow(const std::filesystem::path& path, size_t max) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return fail("{}: {}", path.string(), std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail("{}: not a regular file", path.string());
    }
    std::vector<uint8_t> data;
    std::array<uint8_t, 65536> buffer{};
    while (data.size() < max) {
        const ssize_t n = ::read(fd, buffer.data(), std::min(buffer.size(), max - data.size()));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        data.insert(data.end(), buffer.begin(), buffer.begin() + n);
    }
    ::close(fd);
    return data;
}

void keepCopy(const std::string& dir, DroppedFile& file, const std::vector<uint8_t>& data) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::filesystem::path target = std::filesystem::path(dir) / file.sha256;
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (out) {
        file.kept_path = target.string();
    }
}

void collectLimits(BehaviourReport& report) {
    const JailResult& j = report.jail;
    const ObservationCounters& c = report.behaviour.counters;
    const fakenet::FakeNetCounters& n = report.network.counters;
    auto hit = [&](bool cond, const char* name) {
        if (cond) {
            report.limits_hit.emplace_back(name);
        }
    };
    // Processes the tracer reaped never reach the jail's init: their deaths by SIGXCPU/SIGXFSZ count too.
    auto died_of = [&](int signal_number) {
        return std::any_of(report.behaviour.processes.begin(), report.behaviour.processes.end(),
                           [&](const ProcessRecord& p) { return p.exit_signal == signal_number; });
    };
    hit(j.timed_out, "timeout");
    hit(j.cpu_limit_hit || died_of(SIGXCPU), "cpu");
    hit(j.file_size_limit_hit || died_of(SIGXFSZ), "file_size");
    hit(j.memory_limit_hit, "memory");
    hit(c.events_dropped > 0, "observation_events");
    hit(c.processes_dropped > 0, "observation_processes");
    hit(c.strings_truncated > 0, "observation_strings");
    hit(c.destinations_dropped > 0, "observation_destinations");
    hit(n.dns_records_dropped > 0, "fakenet_dns_records");
    hit(n.connections_evicted > 0 || n.connection_records_dropped > 0, "fakenet_connections");
    hit(n.bytes_not_recorded > 0, "fakenet_bytes");
    hit(report.network.tcp_syn.destinationsOverflowed() || report.network.udp.destinationsOverflowed(),
        "fakenet_destinations");
}

} // namespace

Result<BehaviourReport> analyzeSample(const std::string& path, const AnalysisOptions& options) {
    BehaviourReport report;
    {
        auto head = readNoFollow(path, 4096);
        if (!head) {
            return fail("sandbox: sample {}", head.error().message);
        }
        const malware::FileType type = malware::sniffFileType(*head);
        report.file_type = type.description;
        report.arch = options.arch.empty() ? runArch(type) : options.arch;
        if (options.arch.empty() && type.kind == malware::FileKind::ShellScript) {
            report.notes.emplace_back("script: run by the jail's /bin/sh (BusyBox)");
        }
        auto digests = malware::hashFile(path);
        if (!digests) {
            return fail("sandbox: hashing {}: {}", path, digests.error().message);
        }
        report.sha256 = digests->sha256;
    }
    report.resolvers = options.resolvers;

    JailOptions jail_options;
    jail_options.sample_path = path;
    jail_options.filename = options.filename;
    jail_options.argv0 = options.argv0;
    jail_options.args = options.args;
    jail_options.env.insert(jail_options.env.end(), options.env.begin(), options.env.end());
    jail_options.writable_dirs = options.writable_dirs;
    jail_options.workdir = options.workdir;
    jail_options.outside_uid = options.outside_uid;
    jail_options.outside_gid = options.outside_gid;
    jail_options.network = NetworkMode::FakeTun;
    // Every arch is traced with ptrace: a foreign sample through the qemu-user process that runs it (qemu passes
    // the guest's syscalls to the host with their real arguments; the tracer filters qemu's own work).
    jail_options.trace = true;
    jail_options.timeout = options.timeout;
    jail_options.arch = report.arch;
    jail_options.stdout_path = options.stdout_path;
    jail_options.stderr_path = options.stderr_path;
    jail_options.work_parent = options.work_parent;

    Jail jail(jail_options);
    auto process = jail.start();
    if (!process) {
        return fail("sandbox: {}", process.error().message);
    }
    report.emulated = process->emulated;

    fakenet::FakeNet fakenet(options.fakenet);
    if (auto started = fakenet.start(process->tun_fd); !started) {
        jail.killAll();
        (void)jail.wait();
        return fail("sandbox: fake network: {}", started.error().message);
    }

    if (process->sample_pid > 0) {
        TracerOptions tracer_options;
        tracer_options.limits = options.limits;
        tracer_options.attach = true;
        tracer_options.emulator_path = process->emulator_path;
        // The jail's watchdog kills the tree at its deadline, which ends the tracer's loop; the tracer's
        // own deadline is a backstop.
        tracer_options.timeout = options.timeout + std::chrono::seconds(2);
        Tracer tracer(tracer_options);
        auto observation = tracer.run(process->sample_pid);
        if (observation) {
            report.behaviour = std::move(*observation);
        } else {
            report.notes.push_back("tracer: " + observation.error().message);
            jail.killAll();
        }
    }

    auto jail_result = jail.wait();
    auto stopped = fakenet.stop();
    if (!stopped) {
        report.notes.push_back("fakenet: " + stopped.error().message);
    }
    report.network = fakenet.observation();
    if (jail_result) {
        report.jail = *jail_result;
        report.timed_out = jail_result->timed_out;
    } else {
        report.notes.push_back("jail: " + jail_result.error().message);
    }

    const std::string sample_jail_path = jail.sampleJailPath();
    bool sample_copy_present = false;
    for (const JailFile& f : jail.writableFiles()) {
        if (f.directory) {
            continue;
        }
        DroppedFile dropped;
        dropped.path = f.jail_path;
        dropped.size = f.size;
        dropped.symlink = f.symlink;
        dropped.is_sample = f.jail_path == sample_jail_path;
        sample_copy_present = sample_copy_present || dropped.is_sample;
        if (!f.symlink && f.size <= options.max_dropped_bytes) {
            auto data = readNoFollow(f.host_path, options.max_dropped_bytes);
            if (data) {
                if (auto digests = malware::hashBytes(*data)) {
                    dropped.md5 = digests->md5;
                    dropped.sha1 = digests->sha1;
                    dropped.sha256 = digests->sha256;
                }
                dropped.file_type = malware::sniffFileType(*data).description;
                if (!options.dropped_dir.empty() && !dropped.is_sample && !dropped.sha256.empty()) {
                    keepCopy(options.dropped_dir, dropped, *data);
                }
            }
        }
        report.dropped.push_back(std::move(dropped));
    }
    // A sample whose copy is gone deleted (or renamed away) its own file: also seen without a tracer.
    if (!sample_copy_present) {
        report.behaviour.self_deleted = true;
    }
    report.scan = scanProfile(report.network);
    collectLimits(report);
    applySignatures(report, options.thresholds);
    return report;
}

} // namespace kansoku::sandbox

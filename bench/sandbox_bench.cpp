// Sandbox throughput (issue 5 "Speed": >= 200 analyses per hour per core, 30 s per sample, native and ARM).
//
// sandbox_bench --samples DIR [--timeout S] [--workers W] [--count K] [--arches x86_64,arm]
//               [--programs c2_beacon,syn_scanner,udp_flooder] [--target N] [--no-baseline]
//
// DIR is tests/samples/build.sh output (<build>/tests/samples/bin). For each arch, K/arches variants of the
// programs (copies with a distinct tail so every sha256 differs and the queue's de-duplication does not skip
// them) go through an AnalysisQueue of W workers with a fixed run time of S seconds; the programs are asked to
// run far longer than S, so every analysis lasts the full S, as a bot's would. Measured: wall time and the CPU
// time of the whole process tree (getrusage SELF + CHILDREN, before/after differences).
// Figures: analyses per hour, per hour per core used ((user+sys)/wall), per hour per vCPU of the machine.
// Baseline in the same run: the same files, W at a time, for the same S seconds, each in a plain network namespace
// (unshare(CLONE_NEWNET)) without jail, tracer or fake network (ARM under qemu-arm-static as in the sandbox).
// PASS when every analysis produced a report and ran the full S seconds, and each arch reaches the target both per
// core used and per vCPU of the machine (per core used alone flatters bots that mostly sleep).
//
// Safety: the process first moves itself into a private network namespace (only `lo`), so neither the sandbox
// nor the baseline runs can reach any network; bench/sandbox also starts it under `unshare -n`. The baseline
// only runs programs that write no files and signal no one (c2_beacon, syn_scanner, udp_flooder).

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/analysis/analysis_queue.h"
#include "sandbox/jail/private_network.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using kansoku::sandbox::AnalysisJob;
using kansoku::sandbox::AnalysisOutcome;
using kansoku::sandbox::AnalysisQueue;
using kansoku::sandbox::AnalysisQueueOptions;
using kansoku::sandbox::SubmitStatus;

const std::set<std::string> kBaselineSafe = {"c2_beacon", "syn_scanner", "udp_flooder"};

struct Args {
    fs::path samples;
    int timeout_s = 30;
    size_t workers = 12;
    size_t count = 24;
    std::vector<std::string> arches = {"x86_64", "arm"};
    std::vector<std::string> programs = {"c2_beacon", "syn_scanner", "udp_flooder"};
    double target = 200;
    bool baseline = true;
};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) {
            out.push_back(item);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "sandbox_bench: %s\nusage: sandbox_bench --samples DIR [--timeout S] [--workers W] [--count K] "
                 "[--arches x86_64,arm] [--programs a,b] [--target N] [--no-baseline]\n",
                 why);
    std::exit(2);
}

Args parseArgs(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(("missing value for " + arg).c_str());
            }
            return argv[++i];
        };
        if (arg == "--samples") {
            args.samples = value();
        } else if (arg == "--timeout") {
            args.timeout_s = std::atoi(value().c_str());
        } else if (arg == "--workers") {
            args.workers = static_cast<size_t>(std::atol(value().c_str()));
        } else if (arg == "--count") {
            args.count = static_cast<size_t>(std::atol(value().c_str()));
        } else if (arg == "--arches") {
            args.arches = splitList(value());
        } else if (arg == "--programs") {
            args.programs = splitList(value());
        } else if (arg == "--target") {
            args.target = std::atof(value().c_str());
        } else if (arg == "--no-baseline") {
            args.baseline = false;
        } else if (arg == "--help" || arg == "-h") {
            usage("help");
        } else {
            usage(("unknown argument " + arg).c_str());
        }
    }
    if (args.samples.empty() || args.timeout_s <= 0 || args.workers == 0 || args.count == 0 || args.arches.empty() ||
        args.programs.empty()) {
        usage("--samples is required; timeout, workers, count must be positive");
    }
    return args;
}

double cpuSeconds() {
    double total = 0;
    for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        ::getrusage(who, &usage);
        total += static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    }
    return total;
}

struct Variant {
    std::string program;
    fs::path path;
};

/// Copies of the programs with distinct tails (an ELF ignores bytes past its segments).
std::vector<Variant> makeVariants(const Args& args, const std::string& arch, size_t count, const fs::path& dir) {
    std::vector<Variant> out;
    fs::create_directories(dir);
    for (size_t i = 0; i < count; ++i) {
        const std::string& program = args.programs[i % args.programs.size()];
        const fs::path source = args.samples / arch / program;
        const fs::path target = dir / (program + "-" + std::to_string(i));
        fs::copy_file(source, target, fs::copy_options::overwrite_existing);
        std::ofstream tail(target, std::ios::binary | std::ios::app);
        tail << "kansoku-bench-variant-" << arch << "-" << i;
        tail.close();
        fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
        out.push_back({program, target});
    }
    return out;
}

struct PhaseResult {
    std::string name;
    size_t analyses = 0;
    size_t ok = 0;
    size_t timed_out = 0;
    double wall_s = 0;
    double cpu_s = 0;
    std::map<std::string, size_t> early_exits; ///< program -> runs that ended before the time limit

    double perHour() const { return wall_s > 0 ? static_cast<double>(ok) * 3600.0 / wall_s : 0; }
    double coresUsed() const { return wall_s > 0 ? cpu_s / wall_s : 0; }
    double perHourPerCore() const { return coresUsed() > 0 ? perHour() / coresUsed() : 0; }
};

std::string longRunSeconds(const Args& args) {
    return std::to_string(args.timeout_s * 4 + 60); // far past the timeout: every run lasts the full S
}

PhaseResult runSandbox(const Args& args, const std::string& arch, const std::vector<Variant>& variants,
                       const fs::path& work) {
    PhaseResult result;
    result.name = "sandbox  " + arch;
    result.analyses = variants.size();
    AnalysisQueueOptions options;
    options.workers = args.workers;
    options.capacity = variants.size();
    options.outside_id_base = 500000;
    options.analysis.timeout = std::chrono::seconds(args.timeout_s);
    options.analysis.work_parent = work.string();
    options.output_dir = (work / "output").string();
    fs::create_directories(options.output_dir);
    options.analysis.env = {"KANSOKU_SAMPLE_SECONDS=" + longRunSeconds(args), "KANSOKU_SAMPLE_SEED=7"};
    std::mutex mutex;
    std::vector<std::string> errors;
    const double cpu_before = cpuSeconds();
    const auto started = Clock::now();
    {
        AnalysisQueue queue(options, [&](const AnalysisOutcome& outcome) {
            std::lock_guard lock(mutex);
            if (outcome.ok()) {
                ++result.ok;
                result.timed_out += outcome.report->timed_out ? 1 : 0;
                if (!outcome.report->timed_out) {
                    ++result.early_exits[outcome.job.filename];
                    const kansoku::sandbox::JailResult& jail = outcome.report->jail;
                    std::string limits;
                    for (const std::string& limit : outcome.report->limits_hit) {
                        limits += limit + " ";
                    }
                    std::fprintf(stderr, "  %s ended after %lld ms: exited=%d code=%d signal=%d limits=[%s]\n",
                                 outcome.job.filename.c_str(), static_cast<long long>(jail.wall.count()),
                                 jail.sample_exited ? 1 : 0, jail.exit_code, jail.term_signal, limits.c_str());
                    std::ifstream err(fs::path(options.output_dir) / (std::to_string(outcome.seq) + ".stderr"));
                    std::string line;
                    for (int n = 0; n < 3 && std::getline(err, line); ++n) {
                        std::fprintf(stderr, "    stderr: %s\n", line.c_str());
                    }
                }
            } else {
                errors.push_back(outcome.job.path + ": " + outcome.error);
            }
        });
        for (const Variant& variant : variants) {
            AnalysisJob job;
            job.path = variant.path.string();
            job.filename = variant.program;
            job.args = {longRunSeconds(args)};
            job.source = "bench";
            if (queue.submit(std::move(job)) != SubmitStatus::Queued) {
                errors.push_back(variant.path.string() + ": not queued");
            }
        }
        queue.drain();
    }
    result.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
    result.cpu_s = cpuSeconds() - cpu_before;
    for (const std::string& error : errors) {
        std::fprintf(stderr, "  sandbox error: %s\n", error.c_str());
    }
    return result;
}

/// Brings `lo` up in the current network namespace.
bool bringLoopbackUp() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    const bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
                    (ifr.ifr_flags |= IFF_UP, ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0);
    if (fd >= 0) {
        ::close(fd);
    }
    return up;
}

int bindAny(int type, uint16_t port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        (type == SOCK_STREAM && ::listen(fd, 64) != 0)) {
        return -1;
    }
    return fd;
}

/// One baseline run (in the forked child, never returns): a fresh network namespace in which every address is
/// local (`ip route add local 0.0.0.0/0 dev lo`) and a minimal sink (this process) accepts TCP on port 23 and
/// swallows UDP on port 53, so the C2 beacon keeps its session as it does against the sandbox's fake network
/// instead of giving up at once on "Network is unreachable". The sample runs as this process's child.
/// At `timeout` it kills the sample and reaps it itself, so the sample's CPU time reaches the bench's
/// RUSAGE_CHILDREN; exits 0 when the sample ran the full time, 3 when it ended before.
[[noreturn]] void runBaselineChild(const Variant& variant, const std::string& qemu, const std::string& seconds,
                                   const std::string& env_seconds, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    if (::unshare(CLONE_NEWNET) != 0 || !bringLoopbackUp() ||
        std::system("ip route add local 0.0.0.0/0 dev lo >/dev/null 2>&1") != 0) {
        _exit(126);
    }
    const int tcp = bindAny(SOCK_STREAM, 23);
    const int udp = bindAny(SOCK_DGRAM, 53);
    const pid_t sample = ::fork();
    if (sample == 0) {
        const int devnull = ::open("/dev/null", O_RDWR);
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        std::string path = variant.path.string();
        std::string qemu_copy = qemu;
        std::string seconds_copy = seconds;
        std::string env0 = env_seconds;
        std::string env1 = "KANSOKU_SAMPLE_SEED=7";
        char* env[] = {env0.data(), env1.data(), nullptr};
        if (!qemu.empty()) {
            char* argv_exec[] = {qemu_copy.data(), path.data(), seconds_copy.data(), nullptr};
            ::execve(qemu_copy.c_str(), argv_exec, env);
        } else {
            char* argv_exec[] = {path.data(), seconds_copy.data(), nullptr};
            ::execve(path.c_str(), argv_exec, env);
        }
        _exit(127);
    }
    std::vector<pollfd> fds = {{tcp, POLLIN, 0}, {udp, POLLIN, 0}};
    char buffer[2048];
    for (;;) {
        int status = 0;
        if (sample < 0 || ::waitpid(sample, &status, WNOHANG) == sample) {
            _exit(3);
        }
        if (Clock::now() >= deadline) {
            ::kill(sample, SIGKILL);
            ::waitpid(sample, &status, 0);
            _exit(0);
        }
        if (::poll(fds.data(), fds.size(), 100) <= 0) {
            continue;
        }
        for (size_t i = 0; i < fds.size(); ++i) {
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0 || fds[i].fd < 0) {
                continue;
            }
            if (i == 0) {
                const int conn = ::accept4(tcp, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (conn >= 0 && fds.size() < 64) {
                    fds.push_back({conn, POLLIN, 0});
                } else if (conn >= 0) {
                    ::close(conn);
                }
            } else if (::read(fds[i].fd, buffer, sizeof buffer) == 0 && i >= 2) {
                ::close(fds[i].fd);
                fds[i].fd = -1; // poll ignores negative descriptors
            }
        }
    }
}

/// The same files, W at a time, each for S seconds in a fresh network namespace, nothing else.
PhaseResult runBaseline(const Args& args, const std::string& arch, const std::vector<Variant>& variants) {
    PhaseResult result;
    result.name = "baseline " + arch;
    result.analyses = variants.size();
    const bool emulated = arch != "x86_64";
    const std::string qemu = "/usr/bin/qemu-" + arch + "-static";
    const std::string seconds = longRunSeconds(args);
    const std::string env_seconds = "KANSOKU_SAMPLE_SECONDS=" + seconds;
    struct Running {
        pid_t pid;
        Clock::time_point deadline;
        std::string program;
    };
    std::vector<Running> running;
    size_t next = 0;
    const double cpu_before = cpuSeconds();
    const auto started = Clock::now();
    while (next < variants.size() || !running.empty()) {
        while (next < variants.size() && running.size() < args.workers) {
            const Variant& variant = variants[next++];
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::setpgid(0, 0);
                runBaselineChild(variant, emulated ? qemu : std::string(), seconds, env_seconds,
                                 std::chrono::seconds(args.timeout_s));
            }
            if (pid < 0) {
                std::fprintf(stderr, "  baseline fork: %s\n", std::strerror(errno));
                continue;
            }
            ::setpgid(pid, pid);
            // The child stops its sample at the time limit; this deadline is only the fallback if it hangs.
            running.push_back({pid, Clock::now() + std::chrono::seconds(args.timeout_s + 5), variant.program});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const auto now = Clock::now();
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            if (::waitpid(it->pid, &status, WNOHANG) == it->pid) {
                ++result.ok;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                    ++result.timed_out; // ran the full time
                } else {
                    ++result.early_exits[it->program];
                }
                ::kill(-it->pid, SIGKILL); // anything the sample left behind
                it = running.erase(it);
                continue;
            }
            if (now >= it->deadline) {
                ::kill(-it->pid, SIGKILL);
                ::waitpid(it->pid, &status, 0);
                ++result.early_exits[it->program + " (baseline runner hung)"];
                it = running.erase(it);
                continue;
            }
            ++it;
        }
    }
    result.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
    result.cpu_s = cpuSeconds() - cpu_before;
    return result;
}

void printPhase(const PhaseResult& phase, long vcpus) {
    std::printf("%-16s analyses=%zu ok=%zu ran_full_time=%zu wall=%.1fs cpu=%.2fs cores_used=%.3f "
                "per_hour=%.0f per_hour_per_core_used=%.0f per_hour_per_vcpu=%.0f\n",
                phase.name.c_str(), phase.analyses, phase.ok, phase.timed_out, phase.wall_s, phase.cpu_s,
                phase.coresUsed(), phase.perHour(), phase.perHourPerCore(),
                phase.perHour() / static_cast<double>(std::max(1L, vcpus)));
    for (const auto& [program, count] : phase.early_exits) {
        std::printf("%-16s   ended before the time limit: %s x%zu\n", "", program.c_str(), count);
    }
}

} // namespace

int main(int argc, char** argv) {
    const Args args = parseArgs(argc, argv);
    if (::geteuid() != 0) {
        std::fprintf(stderr, "sandbox_bench: needs root (namespaces, mounts, id maps, ptrace)\n");
        return 77;
    }
    if (args.baseline) {
        for (const std::string& program : args.programs) {
            if (kBaselineSafe.count(program) == 0) {
                std::fprintf(stderr,
                             "sandbox_bench: %s cannot run in the unjailed baseline (only c2_beacon, "
                             "syn_scanner, udp_flooder); use --no-baseline\n",
                             program.c_str());
                return 2;
            }
        }
    }
    if (auto entered = kansoku::sandbox::enterPrivateNetwork(); !entered) {
        const std::string why = entered.error().message;
        std::fprintf(stderr, "sandbox_bench: safety net: %s\n", why.c_str());
        return 1;
    }
    char pattern[] = "/tmp/kansoku-sandbox-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
        std::fprintf(stderr, "sandbox_bench: mkdtemp: %s\n", std::strerror(errno));
        return 1;
    }
    const fs::path work = pattern;
    // The jails' roots are unprivileged uids outside: they must traverse the work directory.
    fs::permissions(work, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const long vcpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    const size_t per_arch = std::max<size_t>(1, args.count / args.arches.size());
    std::printf("sandbox_bench: %zu analyses per arch, %d s per sample, %zu workers, %ld vCPUs, target %.0f "
                "analyses/hour/core\n",
                per_arch, args.timeout_s, args.workers, vcpus, args.target);
    std::fflush(stdout);

    bool pass = true;
    std::error_code ec;
    for (const std::string& arch : args.arches) {
        for (const std::string& program : args.programs) {
            if (!fs::exists(args.samples / arch / program)) {
                std::fprintf(stderr, "sandbox_bench: %s missing (tests/samples/build.sh)\n",
                             (args.samples / arch / program).c_str());
                fs::remove_all(work, ec);
                return 1;
            }
        }
        const std::vector<Variant> variants = makeVariants(args, arch, per_arch, work / ("samples-" + arch));
        const fs::path jail_work = work / ("jails-" + arch);
        fs::create_directories(jail_work);
        fs::permissions(jail_work, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        const PhaseResult sandbox = runSandbox(args, arch, variants, jail_work);
        printPhase(sandbox, vcpus);
        std::fflush(stdout);
        const double per_vcpu = sandbox.perHour() / static_cast<double>(std::max(1L, vcpus));
        const bool arch_pass = sandbox.ok == sandbox.analyses && sandbox.timed_out == sandbox.analyses &&
                               sandbox.perHourPerCore() >= args.target && per_vcpu >= args.target;
        if (args.baseline) {
            const PhaseResult baseline = runBaseline(args, arch, variants);
            printPhase(baseline, vcpus);
            std::printf("ratio %-10s sandbox/baseline: per_hour=%.2f cpu_per_analysis=%.2f "
                        "per_hour_per_core_used=%.2f\n",
                        arch.c_str(), baseline.perHour() > 0 ? sandbox.perHour() / baseline.perHour() : 0,
                        baseline.cpu_s > 0
                            ? (sandbox.cpu_s / static_cast<double>(std::max<size_t>(1, sandbox.ok))) /
                                  (baseline.cpu_s / static_cast<double>(std::max<size_t>(1, baseline.ok)))
                            : 0,
                        baseline.perHourPerCore() > 0 ? sandbox.perHourPerCore() / baseline.perHourPerCore() : 0);
        }
        std::printf("%s %s: %.0f analyses/hour/core used and %.0f per vCPU (target >= %.0f each), %zu/%zu reports, "
                    "%zu/%zu ran the full %d s\n",
                    arch_pass ? "PASS" : "FAIL", arch.c_str(), sandbox.perHourPerCore(), per_vcpu, args.target,
                    sandbox.ok, sandbox.analyses, sandbox.timed_out, sandbox.analyses, args.timeout_s);
        std::fflush(stdout);
        pass = pass && arch_pass;
    }
    fs::remove_all(work, ec);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}

#pragma once

/// `analyzeSample`: one sample through the whole sandbox (issue 5): a Jail with a fake network
/// (NetworkMode::FakeTun) served by FakeNet on its own thread, the ptrace Tracer attached to the stopped
/// sample (native x86-64) or to the qemu-user process that runs it (foreign architectures, issue 16), then
/// signatures and verdict.
/// This is the function `kansoku sandbox analyze FILE` calls.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "sandbox/analysis/behaviour_report.h"
#include "sandbox/analysis/signatures.h"
#include "sandbox/fakenet/fake_net.h"

namespace kansoku::sandbox {

struct AnalysisOptions {
    std::chrono::milliseconds timeout{30000}; ///< wall clock for the run (the jail kills the tree then)
    std::string filename = "sample";          ///< file name in the jail (honeypot context: the attacker's name)
    std::string workdir = "/tmp";             ///< the sample's cwd; must be one of writable_dirs
    std::vector<std::string> writable_dirs = {"/tmp", "/var/run"};
    std::string argv0; ///< empty = filename
    std::vector<std::string> args;
    std::vector<std::string> env; ///< extra environment entries added to the jail's default
    std::string arch;             ///< override of the sniffed architecture ("x86-64", "ARM", "MIPS")
    uint32_t outside_uid = 65534; ///< distinct per parallel worker (RLIMIT_NPROC counts per uid)
    uint32_t outside_gid = 65534;
    std::string work_parent; ///< where the jail's work directory goes; empty = $TMPDIR or /tmp
    std::string dropped_dir; ///< if set, dropped files are copied here as <sha256> (symlinks never followed)
    uint64_t max_dropped_bytes = uint64_t{16} << 20;  ///< files larger than this are listed, not hashed or kept
    std::vector<std::string> resolvers = {"8.8.8.8"}; ///< what the jail's resolv.conf names
    fakenet::FakeNetConfig fakenet;
    ObservationLimits limits;
    SignatureThresholds thresholds;
    std::string stdout_path; ///< the sample's stdout (host file); empty = /dev/null
    std::string stderr_path;
};

/// Runs `path` in the sandbox and returns its report. Fails only when the sandbox itself cannot run
/// (unreadable file, no namespaces, jail set-up); whatever the sample does is data in the report.
/// Call from a thread that lives until it returns (the jail's init dies with the thread that started it).
Result<BehaviourReport> analyzeSample(const std::string& path, const AnalysisOptions& options = {});

} // namespace kansoku::sandbox

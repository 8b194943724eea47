// A stand-in for `kansoku sandbox worker` in worker_supervisor_test: speaks the channel like the real worker but
// misbehaves on demand. Usage: fake_sandbox_worker MODE [ARG] --channel-fd N, MODE one of
//   ok            ready, then a valid result (a synthetic report for the job's sha256) for every job
//   real          the real worker (runSandboxWorker): enters its own network namespace, runs analyzeSample
//   crash         ready, then dies of SIGABRT on every job
//   crash-once F  like crash when file F does not exist (it creates it), else like ok
//   hang          ready, then never answers a job
//   silent        never says ready
//   die-at-start  exits 3 at once
//   garbage KIND  ready, then answers a job with: oversize (a length over any cap), zero (an empty frame),
//                 json (bytes that are not JSON), field (a result with an unexpected field), id (another job's id),
//                 kept (a dropped file "kept" outside the dropped directory), idle (an unasked message after ready)

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include "sandbox/worker/channel.h"
#include "sandbox/worker/sandbox_worker.h"
#include "sandbox/worker/worker_protocol.h"

namespace {

using namespace kansoku::sandbox;
using namespace kansoku::sandbox::worker;

void sendRaw(int fd, const std::string& bytes) {
    (void)!::write(fd, bytes.data(), bytes.size());
}

BehaviourReport syntheticReport(const JobRequest& job) {
    BehaviourReport report;
    report.sha256 = job.sha256.empty() ? std::string(64, 'a') : job.sha256;
    report.arch = "x86-64";
    report.verdict = "suspicious";
    report.score = 40;
    return report;
}

int answer(int fd, const std::string& mode, const std::string& arg) {
    FrameDecoder decoder(kMaxJobMessageBytes);
    while (true) {
        auto message = readFrame(fd, decoder);
        if (!message || !*message) {
            return 0;
        }
        auto job = parseJob(**message);
        if (!job) {
            return 2;
        }
        bool crash = mode == "crash";
        if (mode == "crash-once") {
            crash = ::access(arg.c_str(), F_OK) != 0;
            if (crash) {
                ::close(::open(arg.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
            }
        }
        if (crash) {
            std::abort();
        }
        if (mode == "hang") {
            std::this_thread::sleep_for(std::chrono::hours(1));
        }
        auto result = resultMessage(job->id, syntheticReport(*job), std::chrono::milliseconds(5));
        if (mode == "garbage") {
            if (arg == "oversize") {
                return sendRaw(fd, std::string("\xff\xff\xff\xf0{}", 6)), 0;
            }
            if (arg == "zero") {
                return sendRaw(fd, std::string(4, '\0')), 0;
            }
            if (arg == "json") {
                return sendRaw(fd, std::string("\0\0\0\x05{\"a\":", 9)), 0;
            }
            if (arg == "field") {
                result["extra"] = true;
            } else if (arg == "id") {
                result["id"] = job->id + 1;
            } else if (arg == "kept") {
                result["report"]["dropped_files"] = {
                    {{"path", "/tmp/x"}, {"sha256", std::string(64, 'b')}, {"kept_path", "/etc/shadow"}}};
            }
        }
        (void)writeFrame(fd, result, size_t{64} << 20);
        if (mode == "garbage") {
            std::this_thread::sleep_for(std::chrono::hours(1)); // the supervisor must kill it
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::strcmp(argv[argc - 2], "--channel-fd") != 0) {
        return 64;
    }
    const std::string mode = argv[1];
    const std::string arg = argc > 4 ? argv[2] : "";
    const int fd = std::atoi(argv[argc - 1]);
    if (mode == "real") {
        return runSandboxWorker(fd);
    }
    if (mode == "die-at-start") {
        return 3;
    }
    if (mode == "silent") {
        std::this_thread::sleep_for(std::chrono::hours(1));
    }
    (void)writeFrame(fd, readyMessage(::getpid()), kMaxJobMessageBytes);
    if (mode == "garbage" && arg == "idle") {
        (void)writeFrame(fd, readyMessage(::getpid()), kMaxJobMessageBytes);
        std::this_thread::sleep_for(std::chrono::hours(1));
    }
    return answer(fd, mode, arg);
}

#include "sandbox/worker/sandbox_worker.h"

#include <chrono>
#include <cstdio>

#include <unistd.h>

#include "sandbox/analysis/sandbox_analyzer.h"
#include "sandbox/jail/private_network.h"
#include "sandbox/worker/channel.h"
#include "sandbox/worker/worker_protocol.h"

namespace kansoku::sandbox::worker {

int runSandboxWorker(int channel_fd) {
    if (auto isolated = enterPrivateNetwork(); !isolated) {
        std::fprintf(stderr, "sandbox worker: cannot isolate from the host network: %s\n",
                     isolated.error().message.c_str());
        return 1;
    }
    if (auto sent = writeFrame(channel_fd, readyMessage(::getpid()), kMaxJobMessageBytes); !sent) {
        std::fprintf(stderr, "sandbox worker: %s\n", sent.error().message.c_str());
        return 1;
    }
    FrameDecoder decoder(kMaxJobMessageBytes);
    while (true) {
        auto message = readFrame(channel_fd, decoder);
        if (!message) {
            std::fprintf(stderr, "sandbox worker: %s\n", message.error().message.c_str());
            return 1;
        }
        if (!*message) {
            return 0; // the supervisor closed the channel
        }
        auto job = parseJob(**message);
        if (!job) {
            std::fprintf(stderr, "sandbox worker: %s\n", job.error().message.c_str());
            return 1;
        }
        const auto started = std::chrono::steady_clock::now();
        const auto report = analyzeSample(job->path, job->options);
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        auto sent = writeFrame(channel_fd, resultMessage(job->id, report, elapsed), job->max_result_bytes);
        if (!sent) {
            // Too large for the channel (or the channel is gone): say so in a message that fits.
            sent = writeFrame(channel_fd, errorMessage(job->id, "report: " + sent.error().message, elapsed),
                              job->max_result_bytes);
        }
        if (!sent) {
            std::fprintf(stderr, "sandbox worker: %s\n", sent.error().message.c_str());
            return 1;
        }
    }
}

} // namespace kansoku::sandbox::worker

#pragma once

/// The sandbox worker process's side of the channel (issue 10 item 2). `kansoku sandbox worker --channel-fd N`
/// (hidden; the WorkerSupervisor starts it) calls runSandboxWorker(): before anything else the process enters a
/// network namespace of its own with only loopback up (private_network.h, the same net `kansoku sandbox analyze`
/// uses), then it says it is ready and runs the jobs it is sent, one at a time, with analyzeSample(), answering
/// each with its result, until the channel closes.

#include <cstddef>

namespace kansoku::sandbox::worker {

/// Largest job message a worker accepts.
constexpr size_t kMaxJobMessageBytes = size_t{1} << 20;

/// The worker's main loop on `channel_fd` (a connected stream socket). Returns the process's exit code: 0 when the
/// channel closed between jobs, 1 when the network namespace could not be entered or the channel broke. Call while
/// the process is single-threaded.
int runSandboxWorker(int channel_fd);

} // namespace kansoku::sandbox::worker

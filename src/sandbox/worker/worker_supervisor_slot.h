#pragma once

/// One worker place of the WorkerSupervisor (internal to worker_supervisor*.cpp): its process, channel decoder,
/// phase, the job in flight and the restart back-off.

#include <chrono>
#include <optional>
#include <string>

#include "sandbox/worker/channel.h"
#include "sandbox/worker/worker_process.h"
#include "sandbox/worker/worker_supervisor.h"

namespace kansoku::sandbox::worker {

struct WorkerSupervisor::Slot {
    enum class Phase : uint8_t {
        Down,     ///< no process; started again at restart_at (unless stopping)
        Starting, ///< spawned, waiting for its ready message until `deadline`
        Idle,     ///< ready for a job
        Busy,     ///< a job in flight until `deadline`
        Dying,    ///< killed or asked to exit; reaped before anything else happens to this place
    };

    Slot(size_t index_, size_t max_message_bytes) : index(index_), decoder(max_message_bytes) {}

    size_t index;
    std::string work_parent; ///< this worker's jails' parent directory
    Phase phase = Phase::Down;
    std::optional<WorkerProcess> process;
    FrameDecoder decoder;
    std::optional<Pending> job;
    std::chrono::steady_clock::time_point deadline{};
    std::chrono::steady_clock::time_point job_started{};
    std::chrono::steady_clock::time_point restart_at{};
    unsigned failures = 0; ///< consecutive, for the back-off; reset by a valid result
    bool ever_started = false;
    std::string failure; ///< why the process is Dying ("" = asked to exit)
};

} // namespace kansoku::sandbox::worker

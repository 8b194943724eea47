// The WorkerSupervisor thread's steps on one worker place: start, hand a job, read the channel, fail, reap.

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <variant>

#include <sys/socket.h>

#include "sandbox/worker/sandbox_worker.h"
#include "sandbox/worker/worker_protocol.h"
#include "sandbox/worker/worker_supervisor_slot.h"

namespace kansoku::sandbox::worker {

namespace {

using Clock = std::chrono::steady_clock;

/// Bytes read from one channel per wake-up, so one chatty worker cannot starve the others.
constexpr size_t kReadBudget = size_t{1} << 20;

std::chrono::milliseconds since(Clock::time_point start, Clock::time_point now) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
}

} // namespace

void WorkerSupervisor::spawnDue(Slot& slot, Clock::time_point now) {
    if (now < slot.restart_at) {
        return;
    }
    auto process = WorkerProcess::spawn(options_.command);
    if (!process) {
        ++slot.failures;
        slot.restart_at = now + std::min(options_.max_restart_backoff,
                                         options_.restart_backoff * (1U << std::min(slot.failures - 1, 16U)));
        std::fprintf(stderr, "sandbox: worker %zu: %s\n", slot.index, process.error().message.c_str());
        return;
    }
    slot.process.emplace(std::move(*process));
    slot.decoder = FrameDecoder(options_.max_message_bytes);
    slot.phase = Slot::Phase::Starting;
    slot.deadline = now + options_.start_timeout;
    std::lock_guard lock(mutex_);
    ++counters_.workers_started;
    counters_.restarts += slot.ever_started ? 1 : 0;
    slot.ever_started = true;
    pids_[slot.index] = slot.process->pid();
}

void WorkerSupervisor::dispatch(Slot& slot, Clock::time_point now) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) {
            return;
        }
        slot.job = std::move(queue_.front());
        queue_.pop_front();
        ++counters_.in_flight;
    }
    Pending& pending = *slot.job;
    ++pending.attempts;
    JobRequest request;
    request.id = pending.seq;
    request.path = pending.job.path;
    request.sha256 = pending.job.sha256;
    request.options = jobOptions(options_.analysis, pending.job);
    request.options.outside_uid = options_.outside_id_base + static_cast<uint32_t>(slot.index);
    request.options.outside_gid = request.options.outside_uid;
    request.options.work_parent = slot.work_parent;
    request.max_result_bytes = options_.max_message_bytes;
    slot.phase = Slot::Phase::Busy;
    slot.job_started = now;
    slot.deadline = now + request.options.timeout + options_.deadline_margin;
    // A job message is small and the worker is idle: the blocking send finds room in the socket's buffer.
    if (auto sent = writeFrame(slot.process->channel(), jobMessage(request), kMaxJobMessageBytes); !sent) {
        failSlot(slot, Failure::Crash, sent.error().message);
    }
}

void WorkerSupervisor::readChannel(Slot& slot, Clock::time_point now) {
    std::array<char, 65536> buffer{};
    size_t budget = kReadBudget;
    while (budget > 0 && (slot.phase == Slot::Phase::Starting || slot.phase == Slot::Phase::Idle ||
                          slot.phase == Slot::Phase::Busy)) {
        const ssize_t n = ::recv(slot.process->channel(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (n <= 0) {
            failSlot(slot, Failure::Crash,
                     n == 0 ? (slot.decoder.pending() != 0 ? "closed its channel in the middle of a message"
                                                           : "closed its channel")
                            : fmt::format("channel: {}", std::strerror(errno)));
            return;
        }
        budget -= std::min(budget, static_cast<size_t>(n));
        slot.decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
        while (slot.phase != Slot::Phase::Dying) {
            auto message = slot.decoder.next();
            if (!message) {
                failSlot(slot, Failure::Garbage, message.error().message);
                return;
            }
            if (!*message) {
                break;
            }
            handleMessage(slot, std::move(**message), now);
        }
    }
}

void WorkerSupervisor::handleMessage(Slot& slot, nlohmann::ordered_json&& message, Clock::time_point now) {
    if (slot.phase == Slot::Phase::Idle) {
        failSlot(slot, Failure::Garbage, "sent a message while idle");
        return;
    }
    Expectation expected;
    expected.ready = slot.phase == Slot::Phase::Starting;
    expected.worker_pid = slot.process->pid();
    expected.dropped_dir = options_.dropped_dir;
    if (slot.job) {
        expected.job_id = slot.job->seq;
        expected.sha256 = slot.job->job.sha256;
    }
    auto parsed = parseWorkerMessage(std::move(message), expected);
    if (!parsed) {
        failSlot(slot, Failure::Garbage, parsed.error().message);
        return;
    }
    slot.phase = Slot::Phase::Idle;
    if (std::holds_alternative<ReadyMessage>(*parsed)) {
        return;
    }
    slot.failures = 0; // a worker that answers is healthy
    auto& answer = std::get<ResultMessage>(*parsed);
    SandboxResult result;
    result.sha256 = answer.sha256.empty() ? slot.job->job.sha256 : answer.sha256;
    result.report = std::move(answer.report);
    result.error = std::move(answer.error);
    result.elapsed = since(slot.job_started, now);
    finishJob(slot, std::move(result));
    dispatch(slot, now);
}

void WorkerSupervisor::failSlot(Slot& slot, Failure kind, const std::string& reason) {
    const char* what = kind == Failure::Crash ? "crashed" : kind == Failure::Hang ? "hung" : "sent garbage";
    std::fprintf(stderr, "sandbox: worker %zu (pid %d) %s: %s%s\n", slot.index, static_cast<int>(slot.process->pid()),
                 what, reason.c_str(), slot.job ? fmt::format(" (analysing {})", slot.job->job.path).c_str() : "");
    {
        std::lock_guard lock(mutex_);
        ++(kind == Failure::Crash  ? counters_.worker_crashes
           : kind == Failure::Hang ? counters_.worker_hangs
                                   : counters_.worker_garbage);
    }
    slot.process->kill();
    slot.process->closeChannel();
    ++slot.failures;
    slot.failure = fmt::format("{}: {}", what, reason);
    slot.phase = Slot::Phase::Dying;
}

void WorkerSupervisor::reapSlot(Slot& slot, Clock::time_point now) {
    const auto status = slot.process->tryReap();
    if (!status) {
        return;
    }
    const std::string exit = describeWaitStatus(*status);
    slot.process.reset();
    {
        std::lock_guard lock(mutex_);
        pids_[slot.index] = 0;
    }
    slot.phase = Slot::Phase::Down;
    slot.restart_at = slot.failures == 0
                          ? now
                          : now + std::min(options_.max_restart_backoff,
                                           options_.restart_backoff * (1U << std::min(slot.failures - 1, 16U)));
    if (!slot.failure.empty()) {
        // What the dead worker's jails left (the sample's copy, its drops) goes with it.
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(slot.work_parent, ec)) {
            std::filesystem::remove_all(entry.path(), ec);
        }
    }
    if (!slot.job) {
        return;
    }
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
        if (!stopping && slot.job->attempts < options_.max_attempts) {
            std::fprintf(stderr, "sandbox: retrying %s on another worker\n", slot.job->job.path.c_str());
            ++counters_.retries;
            --counters_.in_flight;
            queue_.push_front(std::move(*slot.job));
            slot.job.reset();
            return;
        }
    }
    SandboxResult result;
    result.sha256 = slot.job->job.sha256;
    result.error = fmt::format("sandbox worker {} ({}) on attempt {} of {}", slot.failure, exit, slot.job->attempts,
                               options_.max_attempts);
    result.elapsed = since(slot.job_started, now);
    finishJob(slot, std::move(result));
}

void WorkerSupervisor::finishJob(Slot& slot, SandboxResult&& result) {
    result.job = std::move(slot.job->job);
    result.seq = slot.job->seq;
    result.attempts = slot.job->attempts;
    slot.job.reset();
    {
        std::lock_guard lock(mutex_);
        --counters_.in_flight;
    }
    deliver(std::move(result));
}

} // namespace kansoku::sandbox::worker

#include "sandbox/worker/worker_supervisor.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sandbox/worker/worker_supervisor_slot.h"

namespace kansoku::sandbox::worker {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

WorkerSupervisor::WorkerSupervisor(WorkerSupervisorOptions options, SandboxResultSink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {}

Result<std::unique_ptr<WorkerSupervisor>> WorkerSupervisor::start(WorkerSupervisorOptions options,
                                                                  SandboxResultSink sink) {
    std::unique_ptr<WorkerSupervisor> self(new WorkerSupervisor(std::move(options), std::move(sink)));
    WorkerSupervisorOptions& o = self->options_;
    o.workers = std::max<size_t>(o.workers, 1);
    o.max_attempts = std::max(o.max_attempts, 1U);
    o.analysis.dropped_dir = o.dropped_dir;
    self->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (self->wake_fd_ < 0) {
        return fail("sandbox supervisor: eventfd: {}", std::strerror(errno));
    }
    // The jails' work directories, one parent per worker, so that what a killed worker's jail left behind can
    // be removed. The jail's root is an unprivileged uid outside: it must be able to traverse them (0711).
    const char* tmp = std::getenv("TMPDIR");
    const std::string parent =
        !o.analysis.work_parent.empty() ? o.analysis.work_parent : (tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    std::string pattern = parent + "/kansoku-workers-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        return fail("sandbox supervisor: cannot create a work directory under {}: {}", parent, std::strerror(errno));
    }
    self->work_root_ = pattern;
    const auto traversable = fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec;
    std::error_code ec;
    fs::permissions(self->work_root_, traversable, ec);
    for (size_t i = 0; i < o.workers; ++i) {
        auto slot = std::make_unique<Slot>(i, o.max_message_bytes);
        slot->work_parent = (fs::path(self->work_root_) / std::to_string(i)).string();
        fs::create_directory(slot->work_parent, ec);
        fs::permissions(slot->work_parent, traversable, ec);
        self->slots_.push_back(std::move(slot));
    }
    self->pids_.assign(o.workers, 0);
    WorkerSupervisor* raw = self.get();
    self->thread_ = std::thread([raw] { raw->run(); });
    return self;
}

WorkerSupervisor::~WorkerSupervisor() {
    stop();
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
    if (!work_root_.empty()) {
        std::error_code ec;
        fs::remove_all(work_root_, ec);
    }
}

SubmitStatus WorkerSupervisor::submit(AnalysisJob job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            ++counters_.dropped;
            return SubmitStatus::Stopped;
        }
        if (!job.sha256.empty() && seen_sha256_.count(job.sha256) != 0) {
            ++counters_.duplicates;
            return SubmitStatus::Duplicate;
        }
        if (queue_.size() >= options_.capacity) {
            ++counters_.dropped;
            return SubmitStatus::Full;
        }
        if (!job.sha256.empty()) {
            seen_sha256_.insert(job.sha256);
        }
        queue_.push_back(Pending{std::move(job), ++next_seq_, 0});
        ++counters_.submitted;
    }
    wake();
    return SubmitStatus::Queued;
}

void WorkerSupervisor::stop() {
    std::call_once(stopped_, [this] {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            counters_.dropped += queue_.size();
            queue_.clear();
        }
        wake();
        if (thread_.joinable()) {
            thread_.join();
        }
    });
}

void WorkerSupervisor::wake() {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
}

SandboxRunnerCounters WorkerSupervisor::counters() const {
    std::lock_guard lock(mutex_);
    SandboxRunnerCounters out = counters_;
    out.queued = queue_.size();
    return out;
}

std::vector<pid_t> WorkerSupervisor::workerPids() const {
    std::lock_guard lock(mutex_);
    std::vector<pid_t> out;
    std::copy_if(pids_.begin(), pids_.end(), std::back_inserter(out), [](pid_t pid) { return pid > 0; });
    return out;
}

bool WorkerSupervisor::waitIdle(std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const auto c = counters();
        if (c.queued == 0 && c.in_flight == 0) {
            return true;
        }
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void WorkerSupervisor::deliver(SandboxResult&& result) {
    {
        std::lock_guard lock(mutex_);
        if (result.ok()) {
            ++counters_.done;
        } else {
            ++counters_.failed;
            // A sample the sandbox could not run may be submitted again (e.g. after a transient failure).
            seen_sha256_.erase(result.job.sha256);
        }
    }
    if (!sink_) {
        return;
    }
    try {
        sink_(std::move(result));
    } catch (...) {
        std::lock_guard lock(mutex_);
        ++counters_.sink_errors;
    }
}

void WorkerSupervisor::run() {
    using Phase = Slot::Phase;
    std::vector<pollfd> fds;
    std::vector<Slot*> polled;
    while (true) {
        auto now = Clock::now();
        bool stopping = false;
        {
            std::lock_guard lock(mutex_);
            stopping = stopping_;
        }
        bool all_down = true;
        for (auto& owned : slots_) {
            Slot& slot = *owned;
            if (slot.phase == Phase::Dying) {
                reapSlot(slot, now);
            }
            if ((slot.phase == Phase::Starting || slot.phase == Phase::Busy) && now >= slot.deadline) {
                failSlot(slot, Failure::Hang,
                         slot.phase == Phase::Starting
                             ? fmt::format("was not ready within {} ms", options_.start_timeout.count())
                             : fmt::format("missed its deadline of {} ms",
                                           std::chrono::duration_cast<std::chrono::milliseconds>(slot.deadline -
                                                                                                 slot.job_started)
                                               .count()));
            }
            if (stopping && (slot.phase == Phase::Idle || slot.phase == Phase::Starting)) {
                // Asked to exit: an idle worker reads EOF and returns; one still starting is killed.
                if (slot.phase == Phase::Starting) {
                    slot.process->kill();
                }
                slot.process->closeChannel();
                slot.failure.clear();
                slot.phase = Phase::Dying;
            }
            if (!stopping && slot.phase == Phase::Down) {
                spawnDue(slot, now);
            }
            if (!stopping && slot.phase == Phase::Idle) {
                dispatch(slot, now);
            }
            all_down = all_down && slot.phase == Phase::Down;
        }
        if (stopping && all_down) {
            return;
        }

        // Wait for a channel, a job, stop() or the next deadline.
        fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
        polled.clear();
        auto wake_at = now + std::chrono::seconds(1);
        for (auto& owned : slots_) {
            Slot& slot = *owned;
            switch (slot.phase) {
            case Phase::Starting:
            case Phase::Busy:
                wake_at = std::min(wake_at, slot.deadline);
                [[fallthrough]];
            case Phase::Idle:
                fds.push_back(pollfd{slot.process->channel(), POLLIN, 0});
                polled.push_back(&slot);
                break;
            case Phase::Dying:
                wake_at = std::min(wake_at, now + std::chrono::milliseconds(20));
                break;
            case Phase::Down:
                if (!stopping) {
                    wake_at = std::min(wake_at, slot.restart_at);
                }
                break;
            }
        }
        const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - now).count();
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<int64_t>(wait_ms, 0, 1000)));
        if (ready <= 0) {
            continue;
        }
        if ((fds[0].revents & POLLIN) != 0) {
            uint64_t count = 0;
            (void)!::read(wake_fd_, &count, sizeof count);
        }
        now = Clock::now();
        for (size_t i = 0; i < polled.size(); ++i) {
            if (fds[i + 1].revents != 0) {
                readChannel(*polled[i], now);
            }
        }
    }
}

SandboxRunnerFactory workerSandbox(WorkerSupervisorOptions options) {
    return [options](const std::string& dropped_dir, SandboxResultSink sink) -> Result<std::unique_ptr<SandboxRunner>> {
        WorkerSupervisorOptions o = options;
        o.dropped_dir = dropped_dir;
        auto supervisor = WorkerSupervisor::start(std::move(o), std::move(sink));
        KANSOKU_TRY(supervisor);
        return std::unique_ptr<SandboxRunner>(std::move(*supervisor));
    };
}

} // namespace kansoku::sandbox::worker

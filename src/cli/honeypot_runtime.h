#pragma once

/// The honeypots of one process, built from [honeypot] (ARCHITECTURE.md "The embedded default"):
/// telnet, SSH and HTTP on the session server, the UDP reflectors, the safe downloader and the
/// sample store, all on one io_context; with [sandbox] enabled, every new sample goes to the
/// sandbox's work queue (worker threads) with the attacker's file name, directory and arguments. `kansoku honeypot`
/// runs it on the main thread, `kansoku run` on a thread of its own beside the darknet.

#include <atomic>
#include <memory>
#include <string>

#include "common/config.h"
#include "common/event_sink.h"

namespace kansoku::cli {

class HoneypotRuntime {
public:
    /// Loads the persona, rules, credentials, host keys and the sample store, and binds every
    /// enabled listener (a port in use is a one-line error naming it). Events go to `sink`, which
    /// must outlive the runtime and be safe to call from the thread that runs it; it is flushed
    /// every second.
    static Result<std::unique_ptr<HoneypotRuntime>> start(const Config& config, EventSink& sink);
    ~HoneypotRuntime();

    /// Serves until `stop` becomes true (checked every 200 ms), then closes every session,
    /// flushes and returns. Call once, from one thread.
    void run(const std::atomic<bool>& stop);
    /// Makes run() stop as if `stop` had become true (from any thread).
    void requestStop() { stop_requested_.store(true); }

    /// One line per listener: "telnet 127.0.0.1:2323", ...
    const std::vector<std::string>& listening() const;
    /// Counters of every service, for the summary at exit.
    std::string summary() const;

    struct Impl;

private:
    explicit HoneypotRuntime(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> stop_requested_{false};
};

} // namespace kansoku::cli

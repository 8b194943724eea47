#pragma once

/// The honeypots of one process, built from [honeypot] and [sandbox] (ARCHITECTURE.md "The embedded
/// default"): telnet, SSH and HTTP on the session server, the UDP reflectors, the safe downloader
/// and the sample store, all on one io_context; every new sample goes through the sample pipeline
/// (triage, and with [sandbox] enabled as root, the contained run in sandbox worker processes). Part of the sensor
/// runtime.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/event_sink.h"

namespace kansoku::malware {
class SampleStore;
}

namespace kansoku::app {

class HoneypotRuntime {
public:
    /// Loads the persona, rules, credentials, host keys and the sample store, and binds every
    /// enabled listener (a port in use is a one-line error naming it). Events go to `sink`, which
    /// must outlive the runtime and be safe to call from any thread (the event loop and the sample
    /// pipeline's workers publish).
    static Result<std::unique_ptr<HoneypotRuntime>> start(const Config& config, EventSink& sink);
    ~HoneypotRuntime();

    /// Serves until requestStop(), then stops the sample pipeline (running analyses end at their
    /// timeout) and returns. Call once, from one thread.
    void run();
    /// Closes every listener, session and download; run() returns. From any thread, idempotent.
    void requestStop();

    /// One line per listener: "telnet 127.0.0.1:2323", ...
    const std::vector<std::string>& listening() const;
    /// What the operator should know about how it runs ("sandbox: disabled: ... needs root").
    const std::vector<std::string>& notices() const;
    /// The Cowrie-format log ([honeypot] cowrie_jsonl) as an event consumer, or nullptr when off.
    EventSink* cowrieLog();
    /// The sample store the honeypots collect into (a sensor sends its samples on from here).
    malware::SampleStore& sampleStore();
    /// Counters of every service, for the summary at exit.
    std::string summary() const;

    struct Impl;

private:
    explicit HoneypotRuntime(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::atomic<bool> stop_requested_{false};
};

} // namespace kansoku::app

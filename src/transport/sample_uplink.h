#pragma once

/// The sensor's half of moving samples to the center (docs/transport.md "Samples"). It listens to
/// the sensor's own `sample` events (a local consumer of the sensor bus): each new SHA-256 is queued
/// as a small file `<spool_dir>/samples/<sha256>.json` (the sources the event named), so the queue
/// survives restarts and outages like the event spool; the sample itself stays in the sensor's
/// sample store until it is sent. A sender thread publishes each queued sample as chunks
/// `<sample_subject_prefix>.<sensor>.<sha256>.<n>` and then its manifest, every part with its own
/// Nats-Msg-Id (a resend is dropped by the stream), each waiting for the stream's acknowledgement;
/// a sample is removed from the queue when its manifest is acknowledged. Failures are retried with
/// back-off. Samples above `max_sample` are not sent (counted).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/event_sink.h"
#include "common/result.h"
#include "transport/nats_connection.h"
#include "transport/transport_config.h"

struct __jsCtx; // jsCtx of <nats/nats.h>

namespace kansoku::transport {

/// The bytes of a stored sample by SHA-256 (the sensor's sample store), checked against it.
using SampleReader = std::function<Result<std::vector<uint8_t>>(const std::string& sha256)>;

struct SampleUplinkCounters {
    uint64_t queued = 0;     ///< samples queued for sending (new SHA-256 seen in a `sample` event)
    uint64_t sent = 0;       ///< manifests the stream acknowledged
    uint64_t duplicates = 0; ///< manifests the stream already had (a resend)
    uint64_t chunks = 0;     ///< chunks the stream acknowledged
    uint64_t too_large = 0;  ///< above max_sample: not sent
    uint64_t unreadable = 0; ///< gone from the store or failed its SHA-256 check: not sent
    uint64_t failures = 0;   ///< attempts that failed (retried)
    uint64_t pending = 0;    ///< waiting in the queue now
    std::string last_error;
};

class SampleUplink final : public EventSink {
public:
    /// Opens (creates) the queue directory and connects in the background. `reader` is called from
    /// the sender thread.
    static Result<std::unique_ptr<SampleUplink>> open(std::string sensor, NatsConfig nats, SampleReader reader);
    ~SampleUplink() override;

    /// `sample` events queue their SHA-256 (other events are ignored). From the bus's delivery thread.
    void publish(const Event& event) override;
    void start();
    /// Keeps sending what is queued for at most `drain`, then stops (the rest goes at the next start).
    void stop(std::chrono::milliseconds drain);
    /// Blocks until the queue is empty or `timeout`.
    bool waitSent(std::chrono::milliseconds timeout) const;
    SampleUplinkCounters counters() const;

private:
    SampleUplink(std::string sensor, NatsConfig nats, SampleReader reader);
    std::vector<std::string> queuedSamples() const;
    /// Sends one sample; false (and the error noted) to try again later.
    bool send(const std::string& sha256);
    Result<bool> publishPart(const std::string& part, const std::string& sha256, const char* data, size_t size);
    void sendLoop();
    void noteError(std::string message);

    std::string sensor_;
    NatsConfig nats_;
    SampleReader reader_;
    std::filesystem::path queue_dir_;
    std::unique_ptr<NatsConnection> connection_;
    __jsCtx* js_ = nullptr;
    std::thread sender_;
    std::atomic<bool> stopping_{false};
    std::chrono::steady_clock::time_point drain_deadline_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool wake_ = false;
    SampleUplinkCounters counters_;
};

} // namespace kansoku::transport

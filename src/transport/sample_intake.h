#pragma once

/// The center's half of moving samples (docs/transport.md "Samples"): a durable pull consumer of the
/// samples' manifests (`<sample_subject_prefix>.*.*.manifest`, shared by every center process). For
/// each manifest it checks who claims what: the subject's sensor must be the manifest's and every
/// source's sensor (else `sensor_mismatch`), the size at most `max_sample` (`oversized`), the fields
/// well formed (`malformed`). A sample the center already holds is only a new sighting; otherwise
/// its chunks are read from the stream by subject and must add up to the size (`incomplete`). The
/// handler (the center's sample store and pipeline) checks the SHA-256 and stores it; then the
/// manifest is acknowledged and the sample's messages are purged from the stream. A refused
/// manifest is terminated (never redelivered) and counted by reason; a handler failure naks it.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "transport/nats_connection.h"
#include "transport/transport_config.h"

struct __jsCtx;            // jsCtx of <nats/nats.h>
struct __natsSubscription; // natsSubscription of <nats/nats.h>

namespace kansoku::transport {

/// A sample a sensor sent, as its manifest describes it (sensor already checked against the subject).
struct IncomingSample {
    std::string sensor;
    std::string sha256;
    uint64_t size = 0;
    nlohmann::ordered_json sources; ///< the sensor's `sample` event sources (array)
};

enum class IntakeOutcome : uint8_t {
    Stored,  ///< kept (or a sighting added): acknowledge
    Refused, ///< never acceptable (e.g. the bytes do not match the SHA-256): terminate
    Failed,  ///< could not be kept now (disk): deliver again later
};

enum class SampleRefusal : uint8_t { Malformed, SensorMismatch, Oversized, Incomplete, Digest };
inline constexpr size_t kSampleRefusalCount = 5;
/// "malformed", "sensor_mismatch", "oversized", "incomplete", "digest".
std::string_view sampleRefusalName(SampleRefusal refusal);

struct SampleIntakeHandler {
    /// Whether the center already holds this sample (then no chunk is read).
    std::function<bool(const std::string& sha256)> known;
    /// Keeps the sample: `bytes` are its content, nullopt for a sample `known` said is held (a sighting).
    std::function<IntakeOutcome(const IncomingSample& sample, std::optional<std::vector<uint8_t>> bytes)> take;
};

struct SampleIntakeCounters {
    uint64_t manifests = 0; ///< fetched
    uint64_t stored = 0;    ///< new samples received whole and kept
    uint64_t sightings = 0; ///< manifests of samples the center already held
    uint64_t failed = 0;    ///< handler failures (naked, delivered again)
    uint64_t purge_errors = 0;
    std::array<uint64_t, kSampleRefusalCount> refused{};
    std::string last_error;
};

class SampleIntake {
public:
    /// Connects, creates the samples stream if missing and binds the durable consumer.
    static Result<std::unique_ptr<SampleIntake>> open(std::string center, NatsConfig nats, SampleIntakeHandler handler);
    ~SampleIntake();
    SampleIntake(const SampleIntake&) = delete;
    SampleIntake& operator=(const SampleIntake&) = delete;

    void start();
    /// The manifest in hand is finished first. Idempotent.
    void stop();
    SampleIntakeCounters counters() const;

private:
    SampleIntake(NatsConfig nats, SampleIntakeHandler handler);
    Result<void> bind();
    void fetchLoop();
    void consume(void* msg);
    /// The sample's chunks, or the refusal.
    std::optional<SampleRefusal> readChunks(const IncomingSample& sample, uint64_t chunks, uint64_t chunk_size,
                                            std::vector<uint8_t>& bytes);
    void purge(const IncomingSample& sample);
    void refuse(void* msg, SampleRefusal refusal, std::string why);

    NatsConfig nats_;
    SampleIntakeHandler handler_;
    std::unique_ptr<NatsConnection> connection_;
    __jsCtx* js_ = nullptr;
    __natsSubscription* subscription_ = nullptr;
    std::thread fetcher_;
    std::atomic<bool> started_{false};
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    SampleIntakeCounters counters_;
};

} // namespace kansoku::transport

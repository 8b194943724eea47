#pragma once

/// The center's event bus (docs/transport.md): a durable pull consumer on the JetStream stream,
/// shared by every center process (each fetched batch goes to one of them). A batch is checked
/// (stream_admission: refused messages go to the dead-letter subject and are counted), handed to
/// the consumers subscribed here through an in-process bus, and acknowledged only after flush()
/// succeeded — the store committed it. A failed flush naks the batch: it comes again. A message
/// delivered again (its acknowledgement was lost, a center died between commit and ack) or whose
/// sequence number was seen before is stored only if `already_stored` says it is not there yet.
/// The center's own events (correlation, the loss tracker's alerts) go straight to the consumers.

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "transport/event_bus.h"
#include "transport/in_process_bus.h"
#include "transport/nats_connection.h"
#include "transport/sensor_loss_tracker.h"
#include "transport/stream_admission.h"
#include "transport/transport_config.h"

struct __jsCtx;            // jsCtx of <nats/nats.h>
struct __natsSubscription; // natsSubscription

namespace kansoku::transport {

struct JetStreamCenterOptions {
    std::string center; ///< [sensor] name of the center: its own events and alerts carry it
    TransportConfig transport;
    /// True when this event is already in the store (asked only for redelivered or repeated
    /// sequence numbers); unset: such messages are skipped.
    std::function<bool(const Event&)> already_stored;
};

struct CenterTransportCounters {
    uint64_t fetched = 0;        ///< messages taken from the stream
    uint64_t delivered = 0;      ///< events handed to the consumers
    uint64_t acknowledged = 0;   ///< messages acknowledged after the store committed
    uint64_t nacked = 0;         ///< messages given back because a flush failed
    uint64_t redelivered = 0;    ///< messages seen again (lost acknowledgement, another center's failure)
    uint64_t already_stored = 0; ///< of those, found in the store and skipped
    std::array<uint64_t, kRefusalCount> refused{}; ///< per Refusal: dead-lettered
    uint64_t dead_letter_errors = 0;
    bool connected = false;
    std::string last_error;
};

class JetStreamCenterBus final : public EventBus {
public:
    /// Connects (a wrong server or credentials fail here), creates the stream if it is missing and
    /// binds the durable consumer.
    static Result<std::unique_ptr<JetStreamCenterBus>> open(JetStreamCenterOptions options);
    ~JetStreamCenterBus() override;

    EventSink& publisher(Overflow overflow) override;
    void subscribe(std::string name, EventSink& consumer) override;
    Result<void> start() override;
    Result<void> flush() override;
    Result<void> stop() override;
    EventBusCounters counters() const override;

    /// Replaces options.already_stored (before start()): the center opens its store after the bus.
    void setAlreadyStored(std::function<bool(const Event&)> check) { options_.already_stored = std::move(check); }

    CenterTransportCounters transportCounters() const;
    const SensorLossTracker& losses() const { return losses_; }

private:
    explicit JetStreamCenterBus(JetStreamCenterOptions options);
    Result<void> bind();
    void fetchLoop();
    void noteError(std::string message);
    /// One fetched batch: admitted, delivered, flushed, then acknowledged (or nacked).
    void consumeBatch(void* list);
    void deadLetter(void* msg, Refusal refusal);

    JetStreamCenterOptions options_;
    std::unique_ptr<NatsConnection> connection_;
    __jsCtx* js_ = nullptr;
    __natsSubscription* subscription_ = nullptr;
    InProcessBus local_;
    SensorLossTracker losses_;
    std::thread fetcher_;
    std::atomic<bool> started_{false};
    std::atomic<bool> stopping_{false};

    mutable std::mutex counters_mutex_;
    CenterTransportCounters counters_;
};

} // namespace kansoku::transport

#pragma once

/// The sensor's event bus at a remote site (docs/transport.md): every published event is written to
/// the disk spool with the next sequence number and a sender thread publishes it to the JetStream
/// stream as `<prefix>.<sensor>.<type>` with Nats-Msg-Id `<sensor>:<sequence>`, in windows of
/// asynchronous publishes; a window is acknowledged in the spool only when the stream acknowledged
/// all of it, otherwise it is sent again from the spool (the stream drops what it already has by
/// message id). Publishes are pipelined: up to `publish_window` are in flight, and the spool's
/// cursor follows the acknowledgements' watermark (publish_acks). While the cluster is unreachable events stay in the
/// spool, in order. Consumers subscribed here (the honeypots' Cowrie log) get every event locally, as with the
/// in-process bus. Every `heartbeat_interval` a sensor.heartbeat event reports the sequence and loss counters.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "transport/disk_spool.h"
#include "transport/event_bus.h"
#include "transport/in_process_bus.h"
#include "transport/nats_connection.h"
#include "transport/publish_acks.h"
#include "transport/sensor_heartbeat.h"
#include "transport/transport_config.h"

struct __jsCtx; // jsCtx of <nats/nats.h>

namespace kansoku::transport {
struct JetStreamSensorOptions {
    std::string sensor; ///< [sensor] name: one subject token
    TransportConfig transport;
    /// At stop, events still in the spool are sent for at most this long (the rest waits for the next start).
    std::chrono::milliseconds drain_timeout{5000};
};

class JetStreamSensorBus final : public EventBus {
public:
    /// Opens the spool (recovering what a previous run left) and starts connecting in the background.
    static Result<std::unique_ptr<JetStreamSensorBus>> open(JetStreamSensorOptions options);
    ~JetStreamSensorBus() override;

    EventSink& publisher(Overflow overflow) override;
    void subscribe(std::string name, EventSink& consumer) override;
    Result<void> start() override;
    /// The local consumers flushed and the spool fsynced (not: acknowledged by the stream).
    Result<void> flush() override;
    /// A last heartbeat, then up to drain_timeout to send the spool, then the spool synced.
    Result<void> stop() override;
    EventBusCounters counters() const override;

    SensorLossCounters lossCounters() const;
    /// Blocks until the stream acknowledged every event spooled so far, or `timeout`.
    bool waitAcknowledged(std::chrono::milliseconds timeout) const;

private:
    class Publisher;
    explicit JetStreamSensorBus(JetStreamSensorOptions options);
    void spool(const Event& event);
    void sendLoop();
    /// Publishes records asynchronously; false (and the failure marked) if the library refused one.
    bool publishRecords(const std::vector<SpoolRecord>& records);
    /// After a failure or an acknowledgement timeout: drops what is in flight and sends again from
    /// the watermark.
    void resendFromWatermark();
    void publishHeartbeat();

    JetStreamSensorOptions options_;
    std::unique_ptr<DiskSpool> spool_;
    std::unique_ptr<NatsConnection> connection_;
    __jsCtx* js_ = nullptr;
    InProcessBus local_;
    std::unique_ptr<Publisher> blocking_;
    std::unique_ptr<Publisher> dropping_;
    std::thread sender_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> started_{false};
    std::chrono::steady_clock::time_point drain_deadline_;
    std::chrono::steady_clock::time_point last_heartbeat_;

    PublishAcks acks_;
    uint64_t published_ = 0; ///< the highest sequence handed to libnats (sender thread)
    std::atomic<uint64_t> sent_{0};
    std::atomic<uint64_t> resends_{0};
    std::atomic<uint64_t> captured_{0};
    std::atomic<uint64_t> dropped_kernel_{0};
    std::atomic<uint64_t> encode_errors_{0};
    mutable std::mutex error_mutex_;
    std::string last_error_;
};

} // namespace kansoku::transport

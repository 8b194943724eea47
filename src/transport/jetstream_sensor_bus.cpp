#include "transport/jetstream_sensor_bus.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include "common/time.h"
#include "transport/event_subject.h"

namespace kansoku::transport {
/// A producer's handle: every event goes to the spool (and the local consumers).
class JetStreamSensorBus::Publisher final : public EventSink {
public:
    Publisher(JetStreamSensorBus& bus, EventSink& local) : bus_(bus), local_(local) {}
    void publish(const Event& event) override {
        bus_.spool(event);
        local_.publish(event);
    }
    Result<void> flush() override { return bus_.flush(); }

private:
    JetStreamSensorBus& bus_;
    EventSink& local_;
};

namespace {

void onAck(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* closure) {
    auto* acks = static_cast<PublishAcks*>(closure);
    const char* id = nullptr;
    const auto parsed = natsMsgHeader_Get(msg, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr
                            ? parseMessageId(id)
                            : std::optional<MessageId>();
    if (error != nullptr || ack == nullptr || !parsed) {
        acks->failed();
    } else {
        acks->acknowledged(parsed->sequence, ack->Duplicate);
    }
    natsMsg_Destroy(msg);
}

} // namespace

JetStreamSensorBus::JetStreamSensorBus(JetStreamSensorOptions options)
    : options_(std::move(options)), local_(InProcessBusOptions{}) {
    blocking_ = std::make_unique<Publisher>(*this, local_.publisher(Overflow::Block));
    dropping_ = std::make_unique<Publisher>(*this, local_.publisher(Overflow::Drop));
}

Result<std::unique_ptr<JetStreamSensorBus>> JetStreamSensorBus::open(JetStreamSensorOptions options) {
    if (!validSubjectSensor(options.sensor)) {
        return fail("sensor.name \"{}\" cannot be a NATS subject token (no '.', '*', '>', ':' or spaces)",
                    options.sensor);
    }
    std::unique_ptr<JetStreamSensorBus> bus(new JetStreamSensorBus(std::move(options)));
    const auto& nats = bus->options_.transport.nats;
    auto spool = DiskSpool::open({nats.spool_dir, nats.spool_max.bytes(), nats.segment_size.bytes(),
                                  nats.spool_sync.as<std::chrono::milliseconds>()});
    KANSOKU_TRY(spool);
    bus->spool_ = std::move(*spool);
    auto connection = NatsConnection::connect(nats, "kansoku sensor " + bus->options_.sensor, true);
    KANSOKU_TRY(connection);
    bus->connection_ = std::move(*connection);
    bus->acks_.reset(bus->spool_->counters().acknowledged);
    bus->published_ = bus->spool_->counters().acknowledged;
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.PublishAsync.MaxPending = nats.publish_window;
    js_options.PublishAsync.AckHandler = &onAck;
    js_options.PublishAsync.AckHandlerClosure = &bus->acks_;
    js_options.PublishAsync.StallWait = nats.ack_timeout.millis();
    js_options.Wait = nats.ack_timeout.millis();
    if (auto s = natsConnection_JetStream(&bus->js_, bus->connection_->raw(), &js_options); s != NATS_OK) {
        return fail(NatsConnection::error(s, "nats jetstream context"));
    }
    return bus;
}

JetStreamSensorBus::~JetStreamSensorBus() {
    (void)stop();
    connection_.reset(); // closed first: no acknowledgement callback runs after this
    if (js_ != nullptr) {
        jsCtx_Destroy(js_);
    }
}

EventSink& JetStreamSensorBus::publisher(Overflow overflow) {
    return overflow == Overflow::Block ? *blocking_ : *dropping_;
}

void JetStreamSensorBus::subscribe(std::string name, EventSink& consumer) {
    local_.subscribe(std::move(name), consumer);
}

void JetStreamSensorBus::spool(const Event& event) {
    if (event.type == "capture.stats") {
        // The capture's own loss counters, carried on in every heartbeat.
        const auto received = event.fields.find("received");
        const auto dropped = event.fields.find("dropped_kernel");
        if (received != event.fields.end() && received->is_number_unsigned()) {
            captured_.fetch_add(received->get<uint64_t>());
        }
        if (dropped != event.fields.end() && dropped->is_number_unsigned()) {
            dropped_kernel_.fetch_add(dropped->get<uint64_t>());
        }
    }
    std::string line;
    try {
        line = event.toJsonLine();
    } catch (const std::exception&) {
        encode_errors_.fetch_add(1);
        return;
    }
    (void)spool_->append(event.type, line);
}

Result<void> JetStreamSensorBus::start() {
    if (started_.exchange(true)) {
        return fail("event bus: already started");
    }
    KANSOKU_TRY(local_.start());
    last_heartbeat_ = std::chrono::steady_clock::now();
    publishHeartbeat(); // the center learns of this sensor at once
    sender_ = std::thread([this] { sendLoop(); });
    return {};
}

void JetStreamSensorBus::publishHeartbeat() {
    const auto interval =
        std::chrono::duration<double>(options_.transport.heartbeat_interval.as<std::chrono::milliseconds>()).count();
    spool(makeHeartbeat(options_.sensor, nowMicros(), interval, lossCounters()));
    last_heartbeat_ = std::chrono::steady_clock::now();
}

bool JetStreamSensorBus::publishRecords(const std::vector<SpoolRecord>& records) {
    const auto& nats = options_.transport.nats;
    for (const auto& record : records) {
        natsMsg* msg = nullptr;
        const auto subject = eventSubject(nats.subject_prefix, options_.sensor, record.topic);
        natsStatus s =
            natsMsg_Create(&msg, subject.c_str(), nullptr, record.body.data(), static_cast<int>(record.body.size()));
        if (s == NATS_OK) {
            s = natsMsgHeader_Set(msg, "Nats-Msg-Id", messageId(options_.sensor, record.sequence).c_str());
        }
        if (s == NATS_OK) {
            s = js_PublishMsgAsync(js_, &msg, nullptr);
        }
        natsMsg_Destroy(msg);
        if (s != NATS_OK) {
            std::lock_guard lock(error_mutex_);
            last_error_ = NatsConnection::error(s, "publish").message;
            acks_.failed();
            return false;
        }
        published_ = record.sequence;
        sent_.fetch_add(1);
    }
    return true;
}

void JetStreamSensorBus::resendFromWatermark() {
    // Whatever is still in flight is abandoned (late acknowledgements are discarded) and goes again
    // from the spool, in order.
    natsMsgList pending;
    if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) {
        natsMsgList_Destroy(&pending);
    }
    resends_.fetch_add(1);
    const uint64_t acknowledged = acks_.contiguous();
    if (auto acked = spool_->acknowledge(acknowledged); !acked) {
        std::lock_guard lock(error_mutex_);
        last_error_ = acked.error().message;
    }
    spool_->rewind();
    acks_.reset(acknowledged);
    published_ = acknowledged;
}

void JetStreamSensorBus::sendLoop() {
    using Clock = std::chrono::steady_clock;
    const auto& nats = options_.transport.nats;
    const auto heartbeat_every = options_.transport.heartbeat_interval.as<std::chrono::milliseconds>();
    const auto ack_timeout = nats.ack_timeout.as<std::chrono::milliseconds>();
    const auto window = static_cast<uint64_t>(nats.publish_window);
    constexpr uint64_t kReadBatch = 1024;
    auto backoff = std::chrono::milliseconds(50);
    uint64_t watermark = acks_.contiguous();
    auto last_progress = Clock::now();
    for (;;) {
        const auto now = Clock::now();
        if (stopping_.load() && (spool_->counters().pending == 0 || now >= drain_deadline_)) {
            return;
        }
        if (!stopping_.load() && now - last_heartbeat_ >= heartbeat_every) {
            publishHeartbeat();
        }
        if (auto synced = spool_->syncIfDue(); !synced) {
            std::lock_guard lock(error_mutex_);
            last_error_ = synced.error().message;
        }
        const uint64_t contiguous = acks_.contiguous();
        if (contiguous > watermark) {
            watermark = contiguous;
            last_progress = now;
            backoff = std::chrono::milliseconds(50);
            if (auto acked = spool_->acknowledge(watermark); !acked) {
                std::lock_guard lock(error_mutex_);
                last_error_ = acked.error().message;
            }
        }
        const uint64_t in_flight = published_ - watermark;
        if (acks_.hasFailed() || (in_flight > 0 && now - last_progress > ack_timeout)) {
            resendFromWatermark();
            watermark = acks_.contiguous();
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
            last_progress = Clock::now();
            continue;
        }
        if (in_flight == 0) {
            last_progress = now;
        }
        if (!connection_->connected()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (in_flight >= window) {
            acks_.waitPast(watermark, std::chrono::milliseconds(50));
            continue;
        }
        auto records = spool_->read(static_cast<size_t>(std::min(window - in_flight, kReadBatch)),
                                    std::chrono::milliseconds(in_flight > 0 ? 2 : 100));
        if (!records.empty()) {
            publishRecords(records);
        }
    }
}

Result<void> JetStreamSensorBus::flush() {
    auto local = local_.flush();
    auto synced = spool_->sync();
    KANSOKU_TRY(local);
    return synced;
}

Result<void> JetStreamSensorBus::stop() {
    if (!started_.load() || stopping_.load()) {
        return spool_ ? spool_->sync() : Result<void>{};
    }
    auto local = local_.stop(); // the producers stopped: their last events are spooled
    publishHeartbeat();         // the last, after everything else this run numbered
    drain_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
    stopping_.store(true); // after the deadline is set: the sender reads it once it sees this
    spool_->interrupt();
    if (sender_.joinable()) {
        sender_.join();
    }
    auto synced = spool_->sync();
    KANSOKU_TRY(local);
    return synced;
}

bool JetStreamSensorBus::waitAcknowledged(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (spool_->counters().pending != 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

SensorLossCounters JetStreamSensorBus::lossCounters() const {
    const auto spool = spool_->counters();
    SensorLossCounters c;
    c.sequence = spool.last_sequence;
    c.captured = captured_.load();
    c.dropped_kernel = dropped_kernel_.load();
    c.spooled = spool.appended;
    c.spool_pending = spool.pending;
    c.spool_dropped = spool.dropped_full;
    c.sent = sent_.load();
    c.acknowledged = spool.acknowledged;
    c.duplicates = acks_.duplicates();
    c.resends = resends_.load();
    c.reconnects = connection_ ? connection_->reconnects() : 0;
    return c;
}

EventBusCounters JetStreamSensorBus::counters() const {
    auto c = local_.counters();
    const auto spool = spool_->counters();
    c.published = spool.appended;
    c.dropped = spool.dropped_full + encode_errors_.load();
    c.queued = spool.pending;
    std::lock_guard lock(error_mutex_);
    c.consumers.push_back({"nats", sent_.load(), resends_.load(), 0, last_error_});
    return c;
}

} // namespace kansoku::transport

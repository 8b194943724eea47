#include "transport/jetstream_center_bus.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include "common/time.h"
#include "transport/event_subject.h"

namespace kansoku::transport {
namespace {

constexpr int64_t kNanosPerMicro = 1000;

std::string_view header(natsMsg* msg, const char* key) {
    const char* value = nullptr;
    if (natsMsgHeader_Get(msg, key, &value) != NATS_OK || value == nullptr) {
        return {};
    }
    return value;
}

} // namespace

JetStreamCenterBus::JetStreamCenterBus(JetStreamCenterOptions options)
    : options_(std::move(options)), local_(InProcessBusOptions{}),
      losses_(options_.transport.silent_after, options_.transport.gap_after, options_.center) {}

Result<std::unique_ptr<JetStreamCenterBus>> JetStreamCenterBus::open(JetStreamCenterOptions options) {
    std::unique_ptr<JetStreamCenterBus> bus(new JetStreamCenterBus(std::move(options)));
    auto connection =
        NatsConnection::connect(bus->options_.transport.nats, "kansoku center " + bus->options_.center, false);
    KANSOKU_TRY(connection);
    bus->connection_ = std::move(*connection);
    KANSOKU_TRY(bus->bind());
    return bus;
}

Result<void> JetStreamCenterBus::bind() {
    const auto& nats = options_.transport.nats;
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = 5000;
    if (auto s = natsConnection_JetStream(&js_, connection_->raw(), &js_options); s != NATS_OK) {
        return fail(NatsConnection::error(s, "nats jetstream context"));
    }
    const std::string all_events = nats.subject_prefix + ".>";
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js_, nats.stream.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
        jsStreamConfig config;
        jsStreamConfig_Init(&config);
        const char* subjects[] = {all_events.c_str()};
        config.Name = nats.stream.c_str();
        config.Subjects = subjects;
        config.SubjectsLen = 1;
        config.Storage = js_FileStorage;
        config.Replicas = nats.replicas;
        config.Duplicates = nats.duplicate_window.micros() * kNanosPerMicro;
        config.MaxAge = nats.max_age.micros() * kNanosPerMicro;
        config.MaxMsgSize = static_cast<int32_t>(std::min<uint64_t>(nats.max_message.bytes() * 2, INT32_MAX));
        s = js_AddStream(&info, js_, &config, nullptr, &code);
        if (s != NATS_OK && code != JSStreamNameExistErr) {
            return fail(NatsConnection::error(
                s, fmt::format("nats stream {}: create (error {})", nats.stream, static_cast<int>(code))));
        }
    } else if (s != NATS_OK) {
        return fail(NatsConnection::error(s, fmt::format("nats stream {}", nats.stream)));
    }
    jsStreamInfo_Destroy(info);
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = nats.stream.c_str();
    sub_options.ManualAck = true;
    sub_options.Config.AckPolicy = js_AckExplicit;
    sub_options.Config.AckWait = nats.ack_wait.micros() * kNanosPerMicro;
    sub_options.Config.MaxDeliver = -1;
    sub_options.Config.MaxAckPending = std::max<int64_t>(nats.fetch_batch * 8, 20000);
    sub_options.Config.MaxWaiting = 512;
    s = js_PullSubscribe(&subscription_, js_, all_events.c_str(), nats.durable.c_str(), nullptr, &sub_options, &code);
    if (s != NATS_OK) {
        return fail(NatsConnection::error(
            s, fmt::format("nats consumer {} on {} (error {})", nats.durable, nats.stream, static_cast<int>(code))));
    }
    return {};
}

JetStreamCenterBus::~JetStreamCenterBus() {
    (void)stop();
    if (subscription_ != nullptr) {
        natsSubscription_Destroy(subscription_);
    }
    connection_.reset();
    if (js_ != nullptr) {
        jsCtx_Destroy(js_);
    }
}

EventSink& JetStreamCenterBus::publisher(Overflow overflow) {
    return local_.publisher(overflow);
}

void JetStreamCenterBus::subscribe(std::string name, EventSink& consumer) {
    local_.subscribe(std::move(name), consumer);
}

Result<void> JetStreamCenterBus::start() {
    if (started_.exchange(true)) {
        return fail("event bus: already started");
    }
    KANSOKU_TRY(local_.start());
    fetcher_ = std::thread([this] { fetchLoop(); });
    return {};
}

void JetStreamCenterBus::noteError(std::string message) {
    std::lock_guard lock(counters_mutex_);
    counters_.last_error = std::move(message);
}

void JetStreamCenterBus::deadLetter(void* raw, Refusal refusal) {
    auto* msg = static_cast<natsMsg*>(raw);
    const auto subject = fmt::format("{}.{}", options_.transport.nats.dead_letter_prefix, refusalName(refusal));
    natsMsg* copy = nullptr;
    natsStatus s = natsMsg_Create(&copy, subject.c_str(), nullptr, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    if (s == NATS_OK) {
        s = natsMsgHeader_Set(copy, "Kansoku-Subject", natsMsg_GetSubject(msg));
    }
    if (s == NATS_OK) {
        if (const auto id = header(msg, "Nats-Msg-Id"); !id.empty()) {
            s = natsMsgHeader_Set(copy, "Nats-Msg-Id", std::string(id).c_str());
        }
    }
    if (s == NATS_OK) {
        s = natsConnection_PublishMsg(connection_->raw(), copy);
    }
    natsMsg_Destroy(copy);
    std::lock_guard lock(counters_mutex_);
    ++counters_.refused[static_cast<size_t>(refusal)];
    if (s != NATS_OK) {
        ++counters_.dead_letter_errors;
    }
}

void JetStreamCenterBus::consumeBatch(void* raw_list) {
    auto& list = *static_cast<natsMsgList*>(raw_list);
    const auto& nats = options_.transport.nats;
    auto& sink = local_.publisher(Overflow::Block);
    uint64_t delivered = 0;
    uint64_t redelivered = 0;
    uint64_t skipped = 0;
    const Timestamp now = nowMicros();
    for (int i = 0; i < list.Count; ++i) {
        natsMsg* msg = list.Msgs[i];
        const std::string_view body(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
        auto admitted = admitStreamMessage(nats.subject_prefix, natsMsg_GetSubject(msg), header(msg, "Nats-Msg-Id"),
                                           body, nats.max_message.bytes());
        if (auto* refusal = std::get_if<Refusal>(&admitted)) {
            deadLetter(msg, *refusal);
            continue;
        }
        auto& event = std::get<AdmittedEvent>(admitted);
        jsMsgMetaData* meta = nullptr;
        const bool delivered_before = natsMsg_GetMetaData(&meta, msg) == NATS_OK && meta->NumDelivered > 1;
        jsMsgMetaData_Destroy(meta);
        const bool first_time = losses_.observe(event.event, event.sequence, now);
        if (!first_time || delivered_before) {
            ++redelivered;
            const bool stored = options_.already_stored ? options_.already_stored(event.event) : !first_time;
            if (stored) {
                ++skipped;
                continue;
            }
        }
        sink.publish(event.event);
        ++delivered;
    }
    for (auto& alert : losses_.check(now)) {
        sink.publish(alert);
    }
    auto flushed = local_.flush();
    uint64_t acked = 0;
    for (int i = 0; i < list.Count; ++i) {
        if (flushed) {
            // Plain ack: a lost one means a redelivery, which already_stored catches.
            if (natsMsg_Ack(list.Msgs[i], nullptr) == NATS_OK) {
                ++acked;
            }
        } else {
            (void)natsMsg_Nak(list.Msgs[i], nullptr);
        }
    }
    std::lock_guard lock(counters_mutex_);
    counters_.fetched += static_cast<uint64_t>(list.Count);
    counters_.delivered += delivered;
    counters_.redelivered += redelivered;
    counters_.already_stored += skipped;
    counters_.acknowledged += acked;
    if (!flushed) {
        counters_.nacked += static_cast<uint64_t>(list.Count);
        counters_.last_error = flushed.error().message;
    }
}

void JetStreamCenterBus::fetchLoop() {
    const int batch = static_cast<int>(options_.transport.nats.fetch_batch);
    while (!stopping_.load()) {
        natsMsgList list{};
        const natsStatus s = natsSubscription_Fetch(&list, subscription_, batch, 500, nullptr);
        if (s == NATS_OK || (list.Count > 0)) {
            consumeBatch(&list);
        } else {
            for (auto& alert : losses_.check(nowMicros())) {
                local_.publisher(Overflow::Block).publish(alert);
            }
            if (s != NATS_TIMEOUT) {
                noteError(NatsConnection::error(s, "nats fetch").message);
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        natsMsgList_Destroy(&list);
    }
}

Result<void> JetStreamCenterBus::flush() {
    return local_.flush();
}

Result<void> JetStreamCenterBus::stop() {
    if (!started_.load() || stopping_.exchange(true)) {
        return {};
    }
    if (fetcher_.joinable()) {
        fetcher_.join(); // the batch in hand is stored and acknowledged first
    }
    return local_.stop();
}

CenterTransportCounters JetStreamCenterBus::transportCounters() const {
    std::lock_guard lock(counters_mutex_);
    auto c = counters_;
    c.connected = connection_ && connection_->connected();
    return c;
}

EventBusCounters JetStreamCenterBus::counters() const {
    auto c = local_.counters();
    const auto t = transportCounters();
    uint64_t refused = 0;
    for (const auto n : t.refused) {
        refused += n;
    }
    c.consumers.push_back({"nats", t.acknowledged, refused + t.nacked, 0, t.last_error});
    return c;
}

} // namespace kansoku::transport

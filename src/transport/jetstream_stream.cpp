#include "transport/jetstream_stream.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include "transport/nats_connection.h"

namespace kansoku::transport {

namespace {

constexpr int64_t kNanosPerMicro = 1000;

} // namespace

Result<void> ensureStream(jsCtx* js, const NatsConfig& nats, const StreamSpec& spec) {
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js, spec.name.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
        jsStreamConfig config;
        jsStreamConfig_Init(&config);
        const char* subjects[] = {spec.subjects.c_str()};
        config.Name = spec.name.c_str();
        config.Subjects = subjects;
        config.SubjectsLen = 1;
        config.Storage = js_FileStorage;
        config.Replicas = nats.replicas;
        config.Duplicates = nats.duplicate_window.micros() * kNanosPerMicro;
        config.MaxAge = nats.max_age.micros() * kNanosPerMicro;
        config.MaxMsgSize = static_cast<int32_t>(std::min<int64_t>(spec.max_message_size, INT32_MAX));
        s = js_AddStream(&info, js, &config, nullptr, &code);
        if (s != NATS_OK && code != JSStreamNameExistErr) {
            return fail(NatsConnection::error(
                s, fmt::format("nats stream {}: create (error {})", spec.name, static_cast<int>(code))));
        }
    } else if (s != NATS_OK) {
        return fail(NatsConnection::error(s, fmt::format("nats stream {}", spec.name)));
    }
    jsStreamInfo_Destroy(info);
    return {};
}

Result<natsSubscription*> bindPullConsumer(jsCtx* js, const NatsConfig& nats, const PullConsumerSpec& spec) {
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = spec.stream.c_str();
    options.ManualAck = true;
    options.Config.AckPolicy = js_AckExplicit;
    options.Config.AckWait = nats.ack_wait.micros() * kNanosPerMicro;
    options.Config.MaxDeliver = -1;
    options.Config.MaxAckPending = spec.max_ack_pending;
    options.Config.MaxWaiting = 512;
    natsSubscription* subscription = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s =
        js_PullSubscribe(&subscription, js, spec.filter.c_str(), spec.durable.c_str(), nullptr, &options, &code);
    if (s != NATS_OK) {
        return fail(NatsConnection::error(
            s, fmt::format("nats consumer {} on {} (error {})", spec.durable, spec.stream, static_cast<int>(code))));
    }
    return subscription;
}

} // namespace kansoku::transport

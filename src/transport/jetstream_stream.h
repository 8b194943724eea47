#pragma once

/// What the center binds on JetStream: a stream it creates when missing (the events' and the
/// samples': file storage, the cluster's replicas, the duplicate window and age from
/// [transport.nats]) and a durable pull consumer every center process shares.

#include <cstdint>
#include <string>

#include "common/result.h"
#include "transport/transport_config.h"

struct __jsCtx;            // jsCtx of <nats/nats.h>
struct __natsSubscription; // natsSubscription of <nats/nats.h>

namespace kansoku::transport {

struct StreamSpec {
    std::string name;
    std::string subjects;     ///< one subject filter, e.g. "kansoku.events.>"
    int64_t max_message_size; ///< larger messages are refused by the stream
};

/// Creates the stream unless it exists (another center may create it at the same time: fine).
Result<void> ensureStream(__jsCtx* js, const NatsConfig& nats, const StreamSpec& spec);

struct PullConsumerSpec {
    std::string stream;
    std::string filter;  ///< the subjects it delivers (wildcards allowed)
    std::string durable; ///< shared by every center process
    int64_t max_ack_pending = 1000;
};

/// Binds (creating it if missing) the durable pull consumer: explicit acks within `ack_wait`,
/// redelivered without limit. The caller destroys the subscription.
Result<__natsSubscription*> bindPullConsumer(__jsCtx* js, const NatsConfig& nats, const PullConsumerSpec& spec);

} // namespace kansoku::transport

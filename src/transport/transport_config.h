#pragma once

/// [transport]: how a sensor's events reach the center when they run at different sites
/// (`kansoku sensor` / `kansoku center`, docs/transport.md). `kansoku run` keeps the in-process bus
/// and ignores this section.

#include <cstdint>
#include <string>
#include <vector>

#include "common/byte_size.h"
#include "common/config_visitor.h"
#include "common/duration.h"

namespace kansoku::transport {

/// [transport.nats]: the NATS JetStream cluster, the sensor's disk spool and the center's consumer.
struct NatsConfig {
    std::vector<std::string> servers{"nats://127.0.0.1:4222"}; ///< tried in turn; reconnects go to any
    std::string stream = "KANSOKU_EVENTS";
    std::string subject_prefix = "kansoku.events";         ///< events go to <prefix>.<sensor>.<type>
    std::string dead_letter_prefix = "kansoku.deadletter"; ///< refused messages go to <prefix>.<reason>
    int64_t replicas = 1;                                  ///< stream replicas when the center creates it
    Duration duplicate_window = Duration::fromHours(2);    ///< JetStream de-duplicates Nats-Msg-Id this long
    Duration max_age = Duration::fromDays(7);              ///< the stream keeps unconsumed events this long
    // Credentials (one of them, or none).
    std::string user;
    std::string password;
    std::string credentials; ///< a .creds file (JWT and nkey seed)
    std::string nkey;        ///< a user nkey (public, "U..."), with nkey_seed
    std::string nkey_seed;   ///< the file holding that nkey's seed ("SU..."): signs the server's challenge
    // TLS: with tls_ca set, the connection must be TLS and the server's certificate verified.
    std::string tls_ca;
    std::string tls_cert; ///< client certificate (mutual TLS), with tls_key
    std::string tls_key;
    Duration connect_timeout = Duration::fromSeconds(2);
    Duration reconnect_wait = Duration::fromMillis(250);
    // Sensor: the spool every event passes through on its way to the stream.
    std::string spool_dir = "var/spool";
    ByteSize spool_max = ByteSize::fromGiB(1);       ///< full: the newest events are dropped and counted
    ByteSize segment_size = ByteSize::fromMiB(16);   ///< one append-only file each
    Duration spool_sync = Duration::fromMillis(200); ///< fsync of the segment and cursor at most this often
    int64_t publish_window = 4096;                   ///< events published before waiting for their acks
    Duration ack_timeout = Duration::fromSeconds(5); ///< a window not acknowledged by then is resent
    // Center: one durable pull consumer shared by every center process.
    std::string durable = "kansoku-center";
    int64_t fetch_batch = 1000;                    ///< events per fetch, stored in one commit then acked
    Duration ack_wait = Duration::fromSeconds(30); ///< an unacknowledged event is redelivered after this
    ByteSize max_message = ByteSize::fromKiB(256); ///< larger messages are dead-lettered
    // Samples (docs/transport.md "Samples"): chunks and a manifest per sample on their own stream.
    std::string sample_stream = "KANSOKU_SAMPLES";
    std::string sample_subject_prefix = "kansoku.samples"; ///< <prefix>.<sensor>.<sha256>.<chunk|manifest>
    std::string sample_durable = "kansoku-center-samples"; ///< center: the consumer of the manifests
    ByteSize max_sample = ByteSize::fromMiB(32);           ///< larger samples are refused (sensor and center)
    ByteSize sample_chunk = ByteSize::fromKiB(128);        ///< bytes per chunk message
};

struct TransportConfig {
    /// Sensor: a sensor.heartbeat event this often (sequence number and loss counters).
    Duration heartbeat_interval = Duration::fromSeconds(10);
    /// Center: a sensor heard from longer ago than this raises an alert (kind sensor_silent).
    Duration silent_after = Duration::fromMinutes(2);
    /// Center: a sequence number missing for this long is a gap (alert kind sequence_gap).
    Duration gap_after = Duration::fromSeconds(30);
    NatsConfig nats;
};

void visitConfig(ConfigVisitor& v, NatsConfig& c);
void visitConfig(ConfigVisitor& v, TransportConfig& c);

} // namespace kansoku::transport

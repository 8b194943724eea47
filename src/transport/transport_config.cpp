#include "transport/transport_config.h"

namespace kansoku::transport {

void visitConfig(ConfigVisitor& v, NatsConfig& c) {
    v.texts("servers", c.servers, "NATS server URLs (nats:// or tls://); any of the cluster's nodes");
    v.text("stream", c.stream, "JetStream stream of the events; the center creates it when missing");
    v.text("subject_prefix", c.subject_prefix, "events are published to <subject_prefix>.<sensor>.<type>");
    v.text("dead_letter_prefix", c.dead_letter_prefix,
           "messages the center refuses are republished to <dead_letter_prefix>.<reason> and counted");
    v.integer("replicas", c.replicas, 1, 5,
              "replicas of the stream when the center creates it (3 on a 3-node cluster)");
    v.duration("duplicate_window", c.duplicate_window, Duration::fromSeconds(1), Duration::fromDays(7),
               "JetStream drops a message whose Nats-Msg-Id (sensor:sequence) it saw within this window; a sensor "
               "that resends its spool after an outage longer than this may store an event twice");
    v.duration("max_age", c.max_age, Duration::fromMinutes(1), Duration::fromDays(3650),
               "events not consumed within this are discarded by the stream");
    v.text("user", c.user, "user name (nats-server authorization); empty: none");
    v.text("password", c.password, "password of user");
    v.text("credentials", c.credentials, "a NATS .creds file (user JWT and nkey seed); empty: none");
    v.text("nkey", c.nkey, "a user nkey (public key, U...) the server knows, with nkey_seed; empty: none");
    v.text("nkey_seed", c.nkey_seed, "file with the seed (SU...) of nkey; keep it readable by kansoku only");
    v.text("tls_ca", c.tls_ca, "PEM CA the servers' certificates are checked against; set: TLS is required");
    v.text("tls_cert", c.tls_cert, "PEM client certificate for mutual TLS, with tls_key");
    v.text("tls_key", c.tls_key, "PEM private key of tls_cert");
    v.duration("connect_timeout", c.connect_timeout, Duration::fromMillis(10), Duration::fromMinutes(1),
               "a server not answering within this is skipped");
    v.duration("reconnect_wait", c.reconnect_wait, Duration::fromMillis(10), Duration::fromMinutes(1),
               "pause between reconnect rounds; the client reconnects for ever");
    v.text("spool_dir", c.spool_dir, "sensor: the disk queue every event passes through (segment files, cursor)");
    v.size("spool_max", c.spool_max, ByteSize::fromKiB(64), ByteSize::fromTiB(16),
           "sensor: the spool's size limit; when full the newest events are dropped and counted");
    v.size("segment_size", c.segment_size, ByteSize::fromKiB(4), ByteSize::fromGiB(1),
           "sensor: one spool file holds this much; a file is deleted once all of it is acknowledged");
    v.duration("spool_sync", c.spool_sync, Duration(), Duration::fromMinutes(1),
               "sensor: the spool is fsynced at most this often (0: after every write); a process crash loses "
               "nothing, a power loss at most this much");
    v.integer("publish_window", c.publish_window, 1, 1'000'000,
              "sensor: events published before waiting for the stream's acknowledgements");
    v.duration("ack_timeout", c.ack_timeout, Duration::fromMillis(100), Duration::fromMinutes(10),
               "sensor: a publish window not acknowledged within this is resent (from the spool)");
    v.text("durable", c.durable, "center: the durable pull consumer every center process shares");
    v.integer("fetch_batch", c.fetch_batch, 1, 100'000,
              "center: events fetched at once, stored in one commit and acknowledged after it");
    v.duration("ack_wait", c.ack_wait, Duration::fromSeconds(1), Duration::fromHours(1),
               "center: an event fetched but not acknowledged within this is delivered again");
    v.size("max_message", c.max_message, ByteSize::fromKiB(1), ByteSize::fromMiB(64),
           "center: larger messages are dead-lettered");
    v.text("sample_stream", c.sample_stream, "JetStream stream of the samples; the center creates it when missing");
    v.text("sample_subject_prefix", c.sample_subject_prefix,
           "a sample goes as chunks <prefix>.<sensor>.<sha256>.<n> and then <prefix>.<sensor>.<sha256>.manifest");
    v.text("sample_durable", c.sample_durable, "center: the durable pull consumer of the samples' manifests");
    v.size("max_sample", c.max_sample, ByteSize::fromKiB(1), ByteSize::fromGiB(1),
           "larger samples are not sent by a sensor and refused by the center (both count them)");
    v.size("sample_chunk", c.sample_chunk, ByteSize::fromKiB(1), ByteSize::fromKiB(512),
           "a sample is sent in messages of this many bytes (below nats-server's max_payload, 1 MiB by default)");
    v.check(!c.servers.empty(), "transport.nats.servers must name at least one server");
    v.check(c.nkey.empty() == c.nkey_seed.empty(), "transport.nats.nkey and nkey_seed must be set together");
    v.check(c.tls_cert.empty() == c.tls_key.empty(), "transport.nats.tls_cert and tls_key must be set together");
    v.check(c.segment_size.bytes() <= c.spool_max.bytes(), "transport.nats.segment_size must not exceed spool_max");
}

void visitConfig(ConfigVisitor& v, TransportConfig& c) {
    v.duration("heartbeat_interval", c.heartbeat_interval, Duration::fromMillis(100), Duration::fromHours(1),
               "sensor: a sensor.heartbeat event (sequence number, loss counters) this often");
    v.duration("silent_after", c.silent_after, Duration::fromMillis(100), Duration::fromDays(7),
               "center: a sensor not heard from for this long raises an alert (sensor_silent)");
    v.duration("gap_after", c.gap_after, Duration::fromMillis(100), Duration::fromDays(1),
               "center: a sequence number still missing after this raises an alert (sequence_gap)");
    v.section("nats", "the NATS JetStream cluster between sensors and center",
              [&c](ConfigVisitor& s) { visitConfig(s, c.nats); });
}

} // namespace kansoku::transport

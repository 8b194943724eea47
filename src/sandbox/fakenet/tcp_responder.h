#pragma once

/// A minimal user-space TCP responder (RFC 9293, only what a sample needs to believe it is
/// online): every SYN to any address and port gets a SYN-ACK, in-order data is acknowledged and
/// its first bytes recorded, optional banner bytes are sent when the handshake completes, an
/// optional reply after the first data (then FIN), and connections close on the sample's FIN or
/// RST or after an idle timeout. No retransmission, no reassembly of out-of-order data (it is
/// counted and answered with a duplicate ACK), no window management: the TUN device is lossless
/// and in order. The connection table is bounded: a SYN that finds it full evicts the least
/// recently active connection (counted).

#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "capture/packet_decoder.h"
#include "common/time.h"
#include "sandbox/fakenet/ip_packet.h"
#include "sandbox/fakenet/network_observation.h"

namespace kansoku::sandbox::fakenet {

using Replies = std::vector<std::vector<uint8_t>>;

struct TcpResponderConfig {
    size_t max_connections = 1024;        ///< live connection table
    size_t max_connection_records = 1024; ///< ConnectionRecords kept in the observation
    size_t record_bytes = 4096;           ///< first bytes kept per connection
    Timestamp idle_timeout = 5 * kMicrosPerSecond;
    /// Bytes sent when a handshake to this port completes (server-speaks-first protocols).
    std::map<uint16_t, std::vector<uint8_t>> banners;
    /// Bytes sent once after the sample's first data on this port, followed by FIN (e.g. an
    /// HTTP response, so a downloader finishes instead of waiting for the idle timeout).
    std::map<uint16_t, std::vector<uint8_t>> replies;
    /// Ports whose SYNs are answered RST|ACK ("closed") instead of SYN-ACK.
    std::set<uint16_t> closed_ports;
    uint32_t isn_seed = 0x6b616e73; ///< mixed into our initial sequence numbers (deterministic)
};

class TcpResponder {
public:
    TcpResponder(TcpResponderConfig config, NetworkObservation& observation);

    /// One TCP segment from the sample (`ip.protocol` is TCP, not a fragment); replies are appended.
    void handle(const IpView& ip, Timestamp now, Replies& out);
    /// Closes idle connections (FIN for established ones; state dropped for half-open ones).
    void tick(Timestamp now, Replies& out);
    /// Brings the records of live connections in `copy` (a copy of the observation this responder
    /// writes to) up to date: last_seen of connections still open.
    void updateRecords(NetworkObservation& copy) const;

    size_t activeConnections() const { return connections_.size(); }

private:
    enum class State : uint8_t { SynReceived, Established, FinSent, LastAck };

    struct Key {
        IpAddress src;
        IpAddress dst;
        uint16_t src_port = 0;
        uint16_t dst_port = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const;
    };
    struct Connection {
        State state = State::SynReceived;
        uint32_t our_isn = 0;
        uint32_t snd_nxt = 0; ///< our next sequence number
        uint32_t rcv_nxt = 0; ///< the sample's next expected sequence number
        Timestamp first_seen = 0;
        Timestamp last_activity = 0;
        Timestamp fin_sent_at = 0;
        SynProbe syn;
        size_t record = kNoRecord; ///< index into observation.connections
        bool replied = false;
    };
    static constexpr size_t kNoRecord = static_cast<size_t>(-1);

    void onSyn(const Key& key, const IpView& ip, const uint8_t* tcp, size_t header_length, Timestamp now, Replies& out);
    void onSegment(Connection& c, const Key& key, uint8_t flags, uint32_t seq, uint32_t ack,
                   std::span<const uint8_t> payload, Timestamp now, Replies& out);
    void evictOldest();
    void close(const Key& key, CloseReason reason);
    ConnectionRecord* record(Connection& c);
    void send(const Key& key, uint32_t seq, uint32_t ack, uint8_t flags, std::span<const uint8_t> payload,
              bool with_mss, Replies& out);
    uint32_t initialSequence(const Key& key) const;

    TcpResponderConfig config_;
    NetworkObservation& observation_;
    std::unordered_map<Key, Connection, KeyHash> connections_;
    capture::PacketDecoder decoder_;
};

} // namespace kansoku::sandbox::fakenet

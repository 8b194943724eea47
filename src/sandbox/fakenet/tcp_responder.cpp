#include "sandbox/fakenet/tcp_responder.h"

#include <algorithm>

#include "common/byte_reader.h"
#include "darknet/scanner_fingerprint.h"

namespace kansoku::sandbox::fakenet {
namespace {

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint16_t kWindow = 65535;

} // namespace

size_t TcpResponder::KeyHash::operator()(const Key& k) const {
    return static_cast<size_t>(
        mixHash(hashAddress(k.src) ^ (hashAddress(k.dst) * 31) ^ (uint64_t{k.src_port} << 16) ^ k.dst_port));
}

TcpResponder::TcpResponder(TcpResponderConfig config, NetworkObservation& observation)
    : config_(std::move(config)), observation_(observation), decoder_(capture::LinkType::RawIp) {}

uint32_t TcpResponder::initialSequence(const Key& key) const {
    return static_cast<uint32_t>(mixHash(KeyHash{}(key) ^ config_.isn_seed));
}

void TcpResponder::send(const Key& key, uint32_t seq, uint32_t ack, uint8_t flags, std::span<const uint8_t> payload,
                        bool with_mss, Replies& out) {
    const size_t header_length = with_mss ? 24 : 20;
    std::vector<uint8_t> segment(header_length + payload.size(), 0);
    uint8_t* t = segment.data();
    storeU16BE(t, key.dst_port); // we answer as the destination the sample chose
    storeU16BE(t + 2, key.src_port);
    storeU32BE(t + 4, seq);
    storeU32BE(t + 8, ack);
    t[12] = static_cast<uint8_t>((header_length / 4) << 4);
    t[13] = flags;
    storeU16BE(t + 14, kWindow);
    if (with_mss) {
        t[20] = 2; // MSS (RFC 9293 3.2)
        t[21] = 4;
        storeU16BE(t + 22, key.src.isV4() ? 1460 : 1440);
    }
    std::copy(payload.begin(), payload.end(), t + header_length);
    out.push_back(buildIpPacket(key.dst, key.src, ip_protocol::kTcp, segment));
}

ConnectionRecord* TcpResponder::record(Connection& c) {
    return c.record == kNoRecord ? nullptr : &observation_.connections[c.record];
}

void TcpResponder::close(const Key& key, CloseReason reason) {
    const auto it = connections_.find(key);
    if (it == connections_.end()) {
        return;
    }
    Connection& c = it->second;
    if (ConnectionRecord* r = record(c)) {
        r->last_seen = std::max(r->last_seen, c.last_activity);
        if (r->closed == CloseReason::Open) {
            r->closed = reason;
        }
    } else if (c.state == State::SynReceived) {
        ++observation_.counters.half_open_closed;
    }
    connections_.erase(it);
}

void TcpResponder::evictOldest() {
    auto oldest = connections_.begin();
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
        if (it->second.last_activity < oldest->second.last_activity) {
            oldest = it;
        }
    }
    ++observation_.counters.connections_evicted;
    close(oldest->first, CloseReason::Evicted);
}

void TcpResponder::handle(const IpView& ip, Timestamp now, Replies& out) {
    const auto tcp = ip.transport;
    if (tcp.size() < 20) {
        ++observation_.counters.malformed_transport;
        return;
    }
    const size_t header_length = (tcp[12] >> 4) * 4U;
    if (header_length < 20 || header_length > tcp.size()) {
        ++observation_.counters.malformed_transport;
        return;
    }
    const Key key{ip.src, ip.dst, loadU16BE(tcp.data()), loadU16BE(tcp.data() + 2)};
    const uint8_t flags = tcp[13];
    const uint32_t seq = loadU32BE(tcp.data() + 4);
    const uint32_t ack = loadU32BE(tcp.data() + 8);
    const auto payload = tcp.subspan(header_length);

    if ((flags & (kSyn | kAck | kRst)) == kSyn) {
        onSyn(key, ip, tcp.data(), header_length, now, out);
        return;
    }
    const auto it = connections_.find(key);
    if (it == connections_.end()) {
        if ((flags & kRst) != 0) {
            return; // never answer a RST
        }
        ++observation_.counters.tcp_stray;
        // RFC 9293 3.10.7.1: reset for a segment of no connection.
        const uint32_t len = static_cast<uint32_t>(payload.size()) + ((flags & kSyn) != 0) + ((flags & kFin) != 0);
        if ((flags & kAck) != 0) {
            send(key, ack, 0, kRst, {}, false, out);
        } else {
            send(key, 0, seq + len, kRst | kAck, {}, false, out);
        }
        return;
    }
    onSegment(it->second, key, flags, seq, ack, payload, now, out);
}

void TcpResponder::onSyn(const Key& key, const IpView& ip, const uint8_t* tcp, size_t header_length, Timestamp now,
                         Replies& out) {
    SynProbe probe;
    probe.ttl = ip.ttl;
    probe.ip_id = ip.ip_id;
    probe.seq = loadU32BE(tcp + 4);
    probe.window = loadU16BE(tcp + 14);
    probe.options.assign(tcp + 20, tcp + header_length);
    capture::DecodedPacket decoded;
    if (decoder_.decode(ip.packet.data(), static_cast<uint32_t>(ip.packet.size()), decoded) ==
            capture::DecodeAnomaly::None &&
        decoded.isTcp()) {
        probe.mss = decoded.mss;
        probe.tool = darknet::fingerprintSyn(decoded);
    }
    observation_.tcp_syn.add(now, key.dst, key.dst_port, ip.packet);
    ++observation_.fingerprints[static_cast<size_t>(probe.tool)];

    if (config_.closed_ports.count(key.dst_port) != 0) {
        ++observation_.counters.tcp_rst_for_closed_port;
        close(key, CloseReason::PeerReset);
        send(key, 0, probe.seq + 1, kRst | kAck, {}, false, out);
        return;
    }
    auto it = connections_.find(key);
    if (it != connections_.end() && it->second.state == State::SynReceived && it->second.rcv_nxt == probe.seq + 1) {
        // A retransmitted SYN: answer it again.
        it->second.last_activity = now;
        send(key, it->second.our_isn, it->second.rcv_nxt, kSyn | kAck, {}, true, out);
        return;
    }
    if (it != connections_.end()) {
        close(key, CloseReason::PeerReset); // a new SYN on a used 4-tuple: the old one is gone
    }
    if (connections_.size() >= config_.max_connections) {
        evictOldest();
    }
    Connection c;
    c.our_isn = initialSequence(key);
    c.snd_nxt = c.our_isn + 1;
    c.rcv_nxt = probe.seq + 1;
    c.first_seen = now;
    c.last_activity = now;
    c.syn = std::move(probe);
    const uint32_t isn = c.our_isn;
    const uint32_t rcv = c.rcv_nxt;
    connections_.emplace(key, std::move(c));
    send(key, isn, rcv, kSyn | kAck, {}, true, out);
}

void TcpResponder::onSegment(Connection& c, const Key& key, uint8_t flags, uint32_t seq, uint32_t ack,
                             std::span<const uint8_t> payload, Timestamp now, Replies& out) {
    c.last_activity = now;
    if ((flags & kRst) != 0) {
        close(key, CloseReason::PeerReset);
        return;
    }
    if ((flags & kAck) == 0) {
        return; // every segment after the SYN carries ACK
    }
    if (c.state == State::SynReceived) {
        if (ack != c.our_isn + 1) {
            send(key, ack, 0, kRst, {}, false, out);
            return;
        }
        c.state = State::Established;
        if (observation_.connections.size() < config_.max_connection_records) {
            ConnectionRecord r;
            r.first_seen = c.first_seen;
            r.last_seen = now;
            r.src = key.src;
            r.src_port = key.src_port;
            r.dst = key.dst;
            r.dst_port = key.dst_port;
            r.syn = c.syn;
            c.record = observation_.connections.size();
            observation_.connections.push_back(std::move(r));
        } else {
            ++observation_.counters.connection_records_dropped;
        }
        if (const auto banner = config_.banners.find(key.dst_port); banner != config_.banners.end()) {
            send(key, c.snd_nxt, c.rcv_nxt, kPsh | kAck, banner->second, false, out);
            c.snd_nxt += static_cast<uint32_t>(banner->second.size());
            if (ConnectionRecord* r = record(c)) {
                r->bytes_sent += banner->second.size();
            }
        }
    }
    ConnectionRecord* r = record(c);
    if (r != nullptr) {
        r->last_seen = now;
    }
    bool must_ack = false;
    bool data_accepted = false;
    if (!payload.empty()) {
        must_ack = true;
        if (seq == c.rcv_nxt) {
            data_accepted = true;
            c.rcv_nxt += static_cast<uint32_t>(payload.size());
            if (r != nullptr) {
                const size_t room = config_.record_bytes - std::min(config_.record_bytes, r->first_bytes.size());
                const size_t take = std::min(room, payload.size());
                r->first_bytes.insert(r->first_bytes.end(), payload.begin(),
                                      payload.begin() + static_cast<std::ptrdiff_t>(take));
                observation_.counters.bytes_not_recorded += payload.size() - take;
                r->bytes_received += payload.size();
            }
        } else if (static_cast<int32_t>(seq - c.rcv_nxt) > 0) {
            ++observation_.counters.tcp_out_of_order;
        }
    }
    const bool fin = (flags & kFin) != 0 && seq + static_cast<uint32_t>(payload.size()) == c.rcv_nxt;
    if (fin) {
        c.rcv_nxt += 1;
        if (r != nullptr && r->closed == CloseReason::Open) {
            r->closed = CloseReason::PeerFin;
        }
    }
    if (c.state == State::Established && data_accepted && !c.replied) {
        if (const auto reply = config_.replies.find(key.dst_port); reply != config_.replies.end()) {
            c.replied = true;
            send(key, c.snd_nxt, c.rcv_nxt, kPsh | kAck | kFin, reply->second, false, out);
            c.snd_nxt += static_cast<uint32_t>(reply->second.size()) + 1;
            c.state = State::FinSent;
            c.fin_sent_at = now;
            if (r != nullptr) {
                r->bytes_sent += reply->second.size();
            }
            must_ack = false;
        }
    }
    if (fin) {
        if (c.state == State::Established) {
            send(key, c.snd_nxt, c.rcv_nxt, kFin | kAck, {}, false, out);
            c.snd_nxt += 1;
            c.state = State::LastAck;
            return;
        }
        if (c.state == State::FinSent) {
            send(key, c.snd_nxt, c.rcv_nxt, kAck, {}, false, out);
            close(key, CloseReason::PeerFin);
            return;
        }
        must_ack = true; // a retransmitted FIN in LastAck
    }
    if (c.state == State::LastAck && ack == c.snd_nxt) {
        close(key, CloseReason::PeerFin);
        return;
    }
    if (must_ack) {
        send(key, c.snd_nxt, c.rcv_nxt, kAck, {}, false, out);
    }
}

void TcpResponder::tick(Timestamp now, Replies& out) {
    std::vector<Key> expired;
    for (auto& [key, c] : connections_) {
        if (now - c.last_activity < config_.idle_timeout) {
            continue;
        }
        if (c.state == State::Established) {
            send(key, c.snd_nxt, c.rcv_nxt, kFin | kAck, {}, false, out);
            c.snd_nxt += 1;
            c.state = State::FinSent;
            c.fin_sent_at = now;
            c.last_activity = now;
            if (ConnectionRecord* r = record(c); r != nullptr && r->closed == CloseReason::Open) {
                r->closed = CloseReason::IdleTimeout;
            }
            continue;
        }
        if (c.state == State::FinSent || c.state == State::LastAck) {
            send(key, c.snd_nxt, c.rcv_nxt, kRst | kAck, {}, false, out); // the sample never finished closing
        }
        expired.push_back(key);
    }
    for (const Key& key : expired) {
        close(key, CloseReason::IdleTimeout);
    }
}

void TcpResponder::updateRecords(NetworkObservation& copy) const {
    for (const auto& [key, c] : connections_) {
        if (c.record < copy.connections.size()) {
            ConnectionRecord& r = copy.connections[c.record];
            r.last_seen = std::max(r.last_seen, c.last_activity);
        }
    }
}

} // namespace kansoku::sandbox::fakenet

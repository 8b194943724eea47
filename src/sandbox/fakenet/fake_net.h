#pragma once

/// The sandbox's fake network (issue 5 item 3). The jail hands over a TUN device (IFF_TUN |
/// IFF_NO_PI) that is the default route of the sample's network namespace; FakeNet reads every
/// IPv4/IPv6 packet the sample sends from that fd and answers from user space:
///  - DNS (UDP port 53 at any address): the sinkhole address for A / AAAA, NODATA for other
///    types, or NXDOMAIN for all when configured; each question recorded;
///  - TCP to any address and port: SYN-ACK, then TcpResponder (first bytes recorded, banners);
///  - ICMP / ICMPv6 echo request to any address: echo reply;
///  - everything else (UDP to other ports, other ICMP, other IP protocols, fragments) is only
///    summarised, never answered.
/// The fd is FakeNet's only I/O: it opens no socket, so nothing it is given can leave the
/// namespace through it. Packet handling is deterministic for a given input and clock.

#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "common/ip_address.h"
#include "common/result.h"
#include "common/time.h"
#include "sandbox/fakenet/network_observation.h"
#include "sandbox/fakenet/tcp_responder.h"
#include "sandbox/fakenet/traffic_summary.h"

namespace kansoku::sandbox::fakenet {

struct FakeDnsConfig {
    std::optional<IpAddress> sinkhole_v4 = IpAddress::parse("198.51.100.250"); ///< answer to A; none: NODATA
    std::optional<IpAddress> sinkhole_v6 = IpAddress::parse("2001:db8::250");  ///< answer to AAAA; none: NODATA
    bool nxdomain = false; ///< answer NXDOMAIN to every question instead
    uint32_t ttl = 300;
    size_t max_records = 1024; ///< DnsRecords kept; later queries are answered and counted
};

struct FakeNetConfig {
    FakeDnsConfig dns;
    TcpResponderConfig tcp;
    TrafficSummaryLimits summary;
    bool answer_echo = true;
    /// The serve loop's clock (tests inject one); handlePacket()/tick() take the time directly.
    std::function<Timestamp()> clock = nowMicros;
    int tick_interval_ms = 100; ///< how often the serve loop calls tick()
};

class FakeNet {
public:
    explicit FakeNet(FakeNetConfig config = {});
    ~FakeNet();
    FakeNet(const FakeNet&) = delete;
    FakeNet& operator=(const FakeNet&) = delete;

    /// One packet read from the TUN device; replies to write back are appended to `out`.
    void handlePacket(std::span<const uint8_t> packet, Timestamp now, Replies& out);
    /// Timers: closes idle TCP connections.
    void tick(Timestamp now, Replies& out);

    /// Reads packets from `tun_fd` and writes replies to it until `stop_fd` becomes readable or the
    /// device goes away (POLLHUP/POLLERR, EOF, EBADFD). Neither fd is closed.
    Result<void> serve(int tun_fd, int stop_fd);
    /// serve() on a thread of its own, stopped by stop() or the destructor. The fd stays the caller's.
    Result<void> start(int tun_fd);
    /// Stops and joins the thread started by start(); returns serve()'s result. Safe to call twice.
    Result<void> stop();

    /// A copy of what was seen so far (safe while serving).
    NetworkObservation observation() const;

private:
    void handleUdp(const IpView& ip, Timestamp now, Replies& out);
    void handleIcmp(const IpView& ip, Timestamp now, Replies& out);
    void writeReplies(int tun_fd, Replies& replies);

    FakeNetConfig config_;
    mutable std::mutex mutex_;
    NetworkObservation observation_;
    TcpResponder tcp_;

    std::thread thread_;
    int stop_fd_ = -1;
    Result<void> serve_result_;
};

} // namespace kansoku::sandbox::fakenet

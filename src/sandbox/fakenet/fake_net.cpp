#include "sandbox/fakenet/fake_net.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/byte_reader.h"
#include "sandbox/fakenet/dns_message.h"

namespace kansoku::sandbox::fakenet {
namespace {

constexpr uint16_t kDnsPort = 53;
constexpr uint8_t kIcmpEchoRequest = 8;
constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpv6EchoRequest = 128;
constexpr uint8_t kIcmpv6EchoReply = 129;
constexpr size_t kReadBuffer = 65536;

NetworkObservation makeObservation(const TrafficSummaryLimits& limits) {
    NetworkObservation o;
    o.tcp_syn = TrafficSummary(limits);
    o.udp = TrafficSummary(limits);
    o.icmp = TrafficSummary(limits);
    o.other = TrafficSummary(limits);
    return o;
}

} // namespace

FakeNet::FakeNet(FakeNetConfig config)
    : config_(std::move(config)), observation_(makeObservation(config_.summary)), tcp_(config_.tcp, observation_) {}

FakeNet::~FakeNet() {
    (void)stop();
}

void FakeNet::handlePacket(std::span<const uint8_t> packet, Timestamp now, Replies& out) {
    const std::lock_guard lock(mutex_);
    const size_t before = out.size();
    FakeNetCounters& k = observation_.counters;
    ++k.packets_in;
    k.bytes_in += packet.size();
    IpView ip;
    if (parseIp(packet, ip) != IpParseResult::Ok) {
        ++k.malformed_ip;
        return;
    }
    if (ip.fragment) {
        ++k.fragments;
        observation_.other.add(now, ip.dst, ip.protocol, ip.packet);
        return;
    }
    switch (ip.protocol) {
    case ip_protocol::kTcp:
        tcp_.handle(ip, now, out);
        break;
    case ip_protocol::kUdp:
        handleUdp(ip, now, out);
        break;
    case ip_protocol::kIcmp:
    case ip_protocol::kIcmpv6:
        handleIcmp(ip, now, out);
        break;
    default:
        observation_.other.add(now, ip.dst, ip.protocol, ip.packet);
        break;
    }
    for (size_t i = before; i < out.size(); ++i) {
        ++k.packets_out;
        k.bytes_out += out[i].size();
    }
}

void FakeNet::handleUdp(const IpView& ip, Timestamp now, Replies& out) {
    FakeNetCounters& k = observation_.counters;
    const auto udp = ip.transport;
    if (udp.size() < 8) {
        ++k.malformed_transport;
        return;
    }
    const uint16_t src_port = loadU16BE(udp.data());
    const uint16_t dst_port = loadU16BE(udp.data() + 2);
    const size_t udp_length = loadU16BE(udp.data() + 4);
    if (udp_length < 8 || udp_length > udp.size()) {
        ++k.malformed_transport;
        return;
    }
    if (dst_port != kDnsPort) {
        observation_.udp.add(now, ip.dst, dst_port, ip.packet);
        return;
    }
    const auto message = udp.subspan(8, udp_length - 8);
    DnsQuery query;
    if (parseDnsQuery(message, query) != DnsParseResult::Ok) {
        ++k.malformed_dns;
        return;
    }
    ++k.dns_queries;
    const FakeDnsConfig& dns = config_.dns;
    uint8_t rcode = dns_rcode::kNoError;
    std::optional<IpAddress> answer;
    const uint8_t opcode = (query.flags >> 11) & 0x0fU;
    if (opcode != 0) {
        rcode = dns_rcode::kNotImp;
    } else if (dns.nxdomain) {
        rcode = dns_rcode::kNxDomain;
    } else if (query.qclass == 1 && query.qtype == dns_type::kA && dns.sinkhole_v4 && dns.sinkhole_v4->isV4()) {
        answer = dns.sinkhole_v4;
    } else if (query.qclass == 1 && query.qtype == dns_type::kAaaa && dns.sinkhole_v6 && !dns.sinkhole_v6->isV4()) {
        answer = dns.sinkhole_v6;
    }
    if (observation_.dns.size() < dns.max_records) {
        DnsRecord record;
        record.ts = now;
        record.client = ip.src;
        record.client_port = src_port;
        record.resolver = ip.dst;
        record.qname = query.qname;
        record.qtype = query.qtype;
        record.rcode = rcode;
        record.answer = answer ? answer->toString() : std::string();
        observation_.dns.push_back(std::move(record));
    } else {
        ++k.dns_records_dropped;
    }
    const std::vector<uint8_t> response = buildDnsResponse(message, query, rcode, answer, dns.ttl);
    std::vector<uint8_t> datagram(8 + response.size());
    storeU16BE(datagram.data(), dst_port);
    storeU16BE(datagram.data() + 2, src_port);
    storeU16BE(datagram.data() + 4, static_cast<uint16_t>(datagram.size()));
    std::copy(response.begin(), response.end(), datagram.begin() + 8);
    out.push_back(buildIpPacket(ip.dst, ip.src, ip_protocol::kUdp, datagram));
}

void FakeNet::handleIcmp(const IpView& ip, Timestamp now, Replies& out) {
    const auto icmp = ip.transport;
    if (icmp.size() < 8) {
        ++observation_.counters.malformed_transport;
        return;
    }
    const uint8_t type = icmp[0];
    const bool v4 = ip.protocol == ip_protocol::kIcmp;
    if (!v4 && ((type >= 130 && type <= 137) || type == 143)) {
        // MLD and neighbour discovery (RFC 4861, RFC 3810): the sample's kernel bringing IPv6 up,
        // not the sample. Counted apart so they do not show up as ICMP activity.
        ++observation_.counters.ipv6_link_control;
        return;
    }
    observation_.icmp.add(now, ip.dst, type, ip.packet);
    if (!config_.answer_echo || type != (v4 ? kIcmpEchoRequest : kIcmpv6EchoRequest) || icmp[1] != 0) {
        return;
    }
    // RFC 792 / RFC 4443 4.2: the reply echoes identifier, sequence number and data.
    std::vector<uint8_t> reply(icmp.begin(), icmp.end());
    reply[0] = v4 ? kIcmpEchoReply : kIcmpv6EchoReply;
    ++observation_.counters.icmp_echo_replies;
    out.push_back(buildIpPacket(ip.dst, ip.src, ip.protocol, reply));
}

void FakeNet::tick(Timestamp now, Replies& out) {
    const std::lock_guard lock(mutex_);
    const size_t before = out.size();
    tcp_.tick(now, out);
    for (size_t i = before; i < out.size(); ++i) {
        ++observation_.counters.packets_out;
        observation_.counters.bytes_out += out[i].size();
    }
}

NetworkObservation FakeNet::observation() const {
    const std::lock_guard lock(mutex_);
    NetworkObservation copy = observation_;
    tcp_.updateRecords(copy);
    return copy;
}

void FakeNet::writeReplies(int tun_fd, Replies& replies) {
    for (const auto& packet : replies) {
        const ssize_t n = ::write(tun_fd, packet.data(), packet.size());
        if (n != static_cast<ssize_t>(packet.size())) {
            const std::lock_guard lock(mutex_);
            ++observation_.counters.write_errors;
        }
    }
    replies.clear();
}

Result<void> FakeNet::serve(int tun_fd, int stop_fd) {
    std::vector<uint8_t> buffer(kReadBuffer);
    Replies replies;
    Timestamp next_tick = config_.clock() + config_.tick_interval_ms * 1000LL;
    while (true) {
        pollfd fds[2] = {{tun_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
        const int ready = ::poll(fds, stop_fd >= 0 ? 2 : 1, config_.tick_interval_ms);
        if (ready < 0 && errno != EINTR) {
            return fail("fakenet: poll: {}", std::strerror(errno));
        }
        if (stop_fd >= 0 && (fds[1].revents & POLLIN) != 0) {
            return {};
        }
        if ((fds[0].revents & POLLIN) != 0) {
            const ssize_t n = ::read(tun_fd, buffer.data(), buffer.size());
            if (n > 0) {
                handlePacket(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)), config_.clock(), replies);
                writeReplies(tun_fd, replies);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                return {}; // the device is gone (the namespace ended)
            }
        } else if ((fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
            return {};
        }
        const Timestamp now = config_.clock();
        if (now >= next_tick) {
            tick(now, replies);
            writeReplies(tun_fd, replies);
            next_tick = now + config_.tick_interval_ms * 1000LL;
        }
    }
}

Result<void> FakeNet::start(int tun_fd) {
    if (thread_.joinable()) {
        return fail("fakenet: already serving");
    }
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (stop_fd_ < 0) {
        return fail("fakenet: eventfd: {}", std::strerror(errno));
    }
    serve_result_ = {};
    thread_ = std::thread([this, tun_fd] { serve_result_ = serve(tun_fd, stop_fd_); });
    return {};
}

Result<void> FakeNet::stop() {
    if (!thread_.joinable()) {
        return {};
    }
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    thread_.join();
    ::close(stop_fd_);
    stop_fd_ = -1;
    return serve_result_;
}

} // namespace kansoku::sandbox::fakenet

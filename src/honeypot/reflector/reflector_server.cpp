#include "honeypot/reflector/reflector_server.h"

#include <algorithm>
#include <cmath>

// asio.h wraps the Boost.Asio includes (and their <utility> snag); UDP is not among them yet.
#include <fmt/format.h>

#include <boost/asio/ip/udp.hpp>

namespace kansoku::honeypot::reflector {

namespace asio = boost::asio;
using asio::ip::udp;

size_t ReplyCap::capFor(size_t request_bytes) const {
    size_t cap = max_reply_bytes;
    if (max_amplification > 0) {
        const double ratio_cap = std::floor(max_amplification * static_cast<double>(request_bytes));
        cap = std::min(cap, static_cast<size_t>(std::max(0.0, ratio_cap)));
    }
    return cap;
}

ReflectorConfig defaultReflectorConfig() {
    ReflectorConfig config;
    for (const auto& info : reflectorServices()) {
        ServiceEndpoint endpoint;
        endpoint.service = info.service;
        endpoint.port = info.default_port;
        config.services.push_back(endpoint);
    }
    return config;
}

struct ReflectorServer::Listener {
    Listener(asio::io_context& io, ServiceEndpoint ep) : endpoint(std::move(ep)), socket(io) {}
    ServiceEndpoint endpoint;
    udp::socket socket;
    uint16_t local_port = 0;
};

namespace {

IpAddress toIpAddress(const asio::ip::address& address) {
    if (address.is_v4()) {
        return IpAddress::fromV4(address.to_v4().to_uint());
    }
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
        return IpAddress::fromV4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
    }
    const auto bytes = v6.to_bytes();
    return IpAddress::fromV6(bytes.data());
}

} // namespace

ReflectorServer::ReflectorServer(asio::io_context& io, ReflectorConfig config, EventSink& sink)
    : io_(io), config_(std::move(config)), tracker_(config_.tracker, sink), sweep_timer_(io) {
    config_.max_request_bytes = std::max<size_t>(1, config_.max_request_bytes);
}

ReflectorServer::~ReflectorServer() {
    for (auto& listener : listeners_) {
        boost::system::error_code ignored;
        listener->socket.close(ignored);
    }
}

Timestamp ReflectorServer::now() const {
    return config_.clock ? config_.clock() : nowMicros();
}

Result<void> ReflectorServer::start() {
    if (started_) {
        return {};
    }
    std::vector<std::unique_ptr<Listener>> listeners;
    for (const auto& ep : config_.services) {
        auto listener = std::make_unique<Listener>(io_, ep);
        const auto where = fmt::format("{}:{}", ep.address, ep.port);
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(ep.address, ec);
        if (ec) {
            return fail("cannot listen on {}: {}", where, "not an IP address");
        }
        const udp::endpoint endpoint(address, ep.port);
        listener->socket.open(endpoint.protocol(), ec);
        if (!ec) {
            listener->socket.bind(endpoint, ec);
        }
        if (ec) {
            return fail("cannot listen on {}: {}", where, ec.message());
        }
        listener->local_port = listener->socket.local_endpoint(ec).port();
        listeners.push_back(std::move(listener));
    }
    listeners_ = std::move(listeners);
    started_ = true;
    for (auto& listener : listeners_) {
        asio::co_spawn(io_, receiveLoop(*listener), asio::detached);
    }
    asio::co_spawn(io_, sweepLoop(), asio::detached);
    return {};
}

void ReflectorServer::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    for (auto& listener : listeners_) {
        boost::system::error_code ignored;
        listener->socket.close(ignored);
    }
    sweep_timer_.cancel();
    tracker_.flush();
}

uint16_t ReflectorServer::localPort(size_t index) const {
    return index < listeners_.size() ? listeners_[index]->local_port : 0;
}

asio::awaitable<void> ReflectorServer::receiveLoop(Listener& listener) {
    std::vector<uint8_t> buffer(config_.max_request_bytes);
    const Service service = listener.endpoint.service;
    while (!stopped_) {
        udp::endpoint peer;
        boost::system::error_code ec;
        const size_t n = co_await listener.socket.async_receive_from(asio::buffer(buffer), peer,
                                                                     asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_ || ec == asio::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            ++counters_.receive_errors; // e.g. ICMP port unreachable reported on the socket
            continue;
        }
        ++counters_.datagrams;
        counters_.bytes_in += n;
        if (n == buffer.size()) {
            ++counters_.truncated_requests;
        }
        const IpAddress src = toIpAddress(peer.address());
        const Timestamp t = now();
        if (!tracker_.onRequest(src, peer.port(), service, listener.local_port, n, t)) {
            ++counters_.suppressed;
            continue;
        }
        ReplyContext ctx;
        ctx.cap = listener.endpoint.cap.capFor(n);
        ctx.now = t;
        ctx.src_v4 = src.isV4() ? src.v4() : 0;
        ctx.src_port = peer.port();
        ctx.local_port = listener.local_port;
        Response response = respond(service, std::span<const uint8_t>(buffer.data(), n), ctx);
        if (response.malformed) {
            ++counters_.malformed;
        }
        if (!response.reply) {
            ++counters_.silent;
            continue;
        }
        if (response.reply->size() > ctx.cap) {
            ++counters_.oversize;
            continue;
        }
        const size_t sent = co_await listener.socket.async_send_to(asio::buffer(*response.reply), peer,
                                                                   asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        if (ec) {
            ++counters_.send_errors;
            continue;
        }
        ++counters_.replies;
        counters_.bytes_out += sent;
        tracker_.onReplySent(src, service, sent);
    }
}

asio::awaitable<void> ReflectorServer::sweepLoop() {
    const auto interval = std::max(config_.sweep_interval, std::chrono::milliseconds(1));
    while (!stopped_) {
        sweep_timer_.expires_after(interval);
        boost::system::error_code ec;
        co_await sweep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) {
            co_return;
        }
        tracker_.expire(now());
    }
}

} // namespace kansoku::honeypot::reflector

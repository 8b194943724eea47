#pragma once

/// The UDP reflector honeypot server: one UDP socket per configured service on the caller's
/// io_context. Each datagram goes through the ReflectorTracker (answer the first few per source and
/// window, then silence) and, if allowed, the service's responder; replies never exceed the reply cap.
/// Events (`honeypot.session`, `ddos.attack`) are published on the io_context thread only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/event_sink.h"
#include "common/result.h"
#include "honeypot/reflector/reflector_tracker.h"
#include "honeypot/reflector/responder.h"

namespace kansoku::honeypot::reflector {

/// How large a reply may be. A reply is at most `max_reply_bytes`; with `max_amplification` > 0 also at
/// most that many times the request. With the tracker's answer limit (3 per source per minute by
/// default) a spoofed victim receives at most 3 x 512 bytes a minute from one service.
struct ReplyCap {
    size_t max_reply_bytes = 512;
    double max_amplification = 0; ///< 0: no ratio limit

    size_t capFor(size_t request_bytes) const;
};

struct ServiceEndpoint {
    Service service = Service::Dns;
    std::string address = "127.0.0.1"; ///< IPv4 or IPv6 literal
    uint16_t port = 0;                 ///< 0: any free port, see localPort()
    ReplyCap cap;
};

struct ReflectorConfig {
    std::vector<ServiceEndpoint> services;
    TrackerOptions tracker;                           ///< answer limit, window, thresholds, max flows
    std::chrono::milliseconds sweep_interval{10'000}; ///< how often idle flows are closed
    size_t max_request_bytes = 4096;                  ///< receive buffer; longer datagrams are cut
    std::function<Timestamp()> clock;                 ///< wall time; empty: nowMicros()
};

/// The embedded default: the five services on 127.0.0.1 at their default ports.
ReflectorConfig defaultReflectorConfig();

struct ReflectorCounters {
    uint64_t datagrams = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t replies = 0;            ///< datagrams sent
    uint64_t suppressed = 0;         ///< not answered: per-source limit or victim
    uint64_t malformed = 0;          ///< requests the service rejects (some get an error reply)
    uint64_t silent = 0;             ///< allowed, but the responder had nothing to send
    uint64_t oversize = 0;           ///< replies dropped for exceeding the cap (responders shrink first)
    uint64_t truncated_requests = 0; ///< datagrams that filled the receive buffer
    uint64_t receive_errors = 0;
    uint64_t send_errors = 0;
};

/// Caller owns the io_context and runs it (single thread). The server must outlive run(), or stop()
/// must have been called and run() returned before it is destroyed.
class ReflectorServer {
public:
    ReflectorServer(boost::asio::io_context& io, ReflectorConfig config, EventSink& sink);
    ~ReflectorServer();
    ReflectorServer(const ReflectorServer&) = delete;
    ReflectorServer& operator=(const ReflectorServer&) = delete;

    /// Binds every service's socket, then receives on the io_context. Error (nothing left bound):
    /// "cannot listen on ADDR:PORT: why".
    Result<void> start();
    /// Closes the sockets and the sweep timer and closes every flow (events published). Idempotent.
    void stop();

    /// The bound port of the i-th configured service (0 before start()).
    uint16_t localPort(size_t index) const;
    const ReflectorCounters& counters() const { return counters_; }
    const TrackerCounters& trackerCounters() const { return tracker_.counters(); }
    size_t openFlows() const { return tracker_.openFlows(); }

private:
    struct Listener;
    boost::asio::awaitable<void> receiveLoop(Listener& listener);
    boost::asio::awaitable<void> sweepLoop();
    Timestamp now() const;

    boost::asio::io_context& io_;
    ReflectorConfig config_;
    ReflectorTracker tracker_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    boost::asio::steady_timer sweep_timer_;
    ReflectorCounters counters_;
    bool started_ = false;
    bool stopped_ = false;
};

} // namespace kansoku::honeypot::reflector

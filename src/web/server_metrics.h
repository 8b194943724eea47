#pragma once

/// The server's own counters, shown by GET /metrics. Written by the server's thread, read by any.

#include <array>
#include <atomic>
#include <cstdint>

namespace kansoku::web {

struct ServerMetrics {
    std::atomic<uint64_t> connections_accepted{0};
    std::atomic<uint64_t> connections_open{0};
    std::atomic<uint64_t> connections_refused_total{0};      ///< over max_connections
    std::atomic<uint64_t> connections_refused_per_client{0}; ///< over max_connections_per_client
    std::atomic<uint64_t> idle_timeouts{0};
    std::atomic<uint64_t> request_timeouts{0};
    std::atomic<uint64_t> tls_handshake_failures{0};
    std::atomic<uint64_t> access_log_dropped{0};
    std::array<std::atomic<uint64_t>, 6> responses_by_class{}; ///< [1..5] = 1xx..5xx

    void countResponse(unsigned status) {
        const unsigned cls = status / 100;
        if (cls >= 1 && cls <= 5) {
            responses_by_class[cls].fetch_add(1, std::memory_order_relaxed);
        }
    }
};

} // namespace kansoku::web

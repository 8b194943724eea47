#pragma once

/// One connection to the NATS cluster built from [transport.nats] (servers, credentials, TLS),
/// reconnecting for ever. The sensor and center buses each own one; libnats' types stay out of
/// other headers (forward-declared here, used in the buses' .cpp files).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "transport/transport_config.h"

struct __natsConnection; // natsConnection of <nats/nats.h>

namespace kansoku::transport {

class NatsConnection {
public:
    /// Connects to the first reachable server. With `retry_in_background` (a sensor, which spools
    /// meanwhile), an unreachable cluster is not an error: the client keeps trying.
    static Result<std::unique_ptr<NatsConnection>> connect(const NatsConfig& config, const std::string& name,
                                                           bool retry_in_background);
    ~NatsConnection();
    NatsConnection(const NatsConnection&) = delete;
    NatsConnection& operator=(const NatsConnection&) = delete;

    __natsConnection* raw() const { return connection_; }
    bool connected() const;
    uint64_t reconnects() const { return reconnects_.load(); }
    uint64_t disconnects() const { return disconnects_.load(); }

    /// `what: <libnats' text and last error>`, for a failed libnats call.
    static Error error(int status, const std::string& what);

private:
    NatsConnection() = default;
    static void onDisconnected(__natsConnection* nc, void* closure);
    static void onReconnected(__natsConnection* nc, void* closure);
    static void onClosed(__natsConnection* nc, void* closure);

    __natsConnection* connection_ = nullptr;
    std::atomic<uint64_t> reconnects_{0};
    std::atomic<uint64_t> disconnects_{0};
    /// libnats calls back from its own thread, the closed callback last: the destructor waits for it
    /// so no callback runs on a destroyed object.
    std::mutex closed_mutex_;
    std::condition_variable closed_changed_;
    bool closed_ = false;
};

} // namespace kansoku::transport

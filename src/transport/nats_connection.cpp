#include "transport/nats_connection.h"

#include <chrono>
#include <vector>

#include <fmt/format.h>
#include <nats/nats.h>

namespace kansoku::transport {
namespace {

struct OptionsDeleter {
    void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};

} // namespace

Error NatsConnection::error(int status, const std::string& what) {
    const char* last = nats_GetLastError(nullptr);
    return Error{fmt::format("{}: {}{}{}", what, natsStatus_GetText(static_cast<natsStatus>(status)),
                             last != nullptr && *last != '\0' ? ": " : "", last != nullptr ? last : "")};
}

void NatsConnection::onDisconnected(natsConnection*, void* closure) {
    static_cast<NatsConnection*>(closure)->disconnects_.fetch_add(1);
}

void NatsConnection::onReconnected(natsConnection*, void* closure) {
    static_cast<NatsConnection*>(closure)->reconnects_.fetch_add(1);
}

void NatsConnection::onClosed(natsConnection*, void* closure) {
    auto* self = static_cast<NatsConnection*>(closure);
    std::lock_guard lock(self->closed_mutex_);
    self->closed_ = true;
    self->closed_changed_.notify_all();
}

Result<std::unique_ptr<NatsConnection>> NatsConnection::connect(const NatsConfig& config, const std::string& name,
                                                                bool retry_in_background) {
    std::unique_ptr<NatsConnection> out(new NatsConnection());
    natsOptions* raw_options = nullptr;
    if (auto s = natsOptions_Create(&raw_options); s != NATS_OK) {
        return fail(error(s, "nats options"));
    }
    std::unique_ptr<natsOptions, OptionsDeleter> options(raw_options);
    std::vector<const char*> servers;
    for (const auto& server : config.servers) {
        servers.push_back(server.c_str());
    }
    natsStatus s = natsOptions_SetServers(raw_options, servers.data(), static_cast<int>(servers.size()));
    if (s == NATS_OK) {
        s = natsOptions_SetName(raw_options, name.c_str());
    }
    if (s == NATS_OK) {
        s = natsOptions_SetTimeout(raw_options, config.connect_timeout.millis());
    }
    if (s == NATS_OK) {
        s = natsOptions_SetMaxReconnect(raw_options, -1);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetReconnectWait(raw_options, config.reconnect_wait.millis());
    }
    if (s == NATS_OK) {
        // Publishes while disconnected fail at once instead of piling up: the spool keeps them.
        s = natsOptions_SetReconnectBufSize(raw_options, 1 << 20);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetPingInterval(raw_options, 2000);
    }
    if (s == NATS_OK) {
        s = natsOptions_SetDisconnectedCB(raw_options, &NatsConnection::onDisconnected, out.get());
    }
    if (s == NATS_OK) {
        s = natsOptions_SetReconnectedCB(raw_options, &NatsConnection::onReconnected, out.get());
    }
    if (s == NATS_OK) {
        s = natsOptions_SetClosedCB(raw_options, &NatsConnection::onClosed, out.get());
    }
    if (s == NATS_OK && retry_in_background) {
        // With a connected callback the first connection is also made in the background (without
        // one, natsConnection_Connect would block until a server answers).
        s = natsOptions_SetRetryOnFailedConnect(raw_options, true, &NatsConnection::onReconnected, out.get());
    }
    if (s == NATS_OK && (!config.user.empty() || !config.password.empty())) {
        s = natsOptions_SetUserInfo(raw_options, config.user.c_str(), config.password.c_str());
    }
    if (s == NATS_OK && !config.credentials.empty()) {
        s = natsOptions_SetUserCredentialsFromFiles(raw_options, config.credentials.c_str(), nullptr);
    }
    if (s == NATS_OK && !config.nkey.empty()) {
        s = natsOptions_SetNKeyFromSeed(raw_options, config.nkey.c_str(), config.nkey_seed.c_str());
    }
    if (s == NATS_OK && !config.tls_ca.empty()) {
        s = natsOptions_SetSecure(raw_options, true);
        if (s == NATS_OK) {
            s = natsOptions_LoadCATrustedCertificates(raw_options, config.tls_ca.c_str());
        }
    }
    if (s == NATS_OK && !config.tls_cert.empty()) {
        s = natsOptions_LoadCertificatesChain(raw_options, config.tls_cert.c_str(), config.tls_key.c_str());
    }
    if (s != NATS_OK) {
        return fail(error(s, "nats options"));
    }
    s = natsConnection_Connect(&out->connection_, raw_options);
    if (s == NATS_NOT_YET_CONNECTED && retry_in_background) {
        return out;
    }
    if (s != NATS_OK) {
        return fail(error(s, fmt::format("nats connect to {}", fmt::join(config.servers, ","))));
    }
    return out;
}

NatsConnection::~NatsConnection() {
    if (connection_ == nullptr) {
        return;
    }
    natsConnection_Close(connection_);
    {
        std::unique_lock lock(closed_mutex_);
        closed_changed_.wait_for(lock, std::chrono::seconds(10), [this] { return closed_; });
    }
    natsConnection_Destroy(connection_);
}

bool NatsConnection::connected() const {
    return connection_ != nullptr && natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED;
}

} // namespace kansoku::transport

#include "honeypot/ssh/ssh_service.h"

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <sys/socket.h>
#include <unistd.h>

#include "honeypot/ssh/ssh_protocol.h"

namespace kansoku::honeypot::ssh {

namespace {

constexpr std::string_view kVersionPrefix = "SSH-2.0-";

Result<std::string> normalizeBanner(std::string_view banner) {
    std::string line =
        banner.starts_with("SSH-") ? std::string(banner) : std::string(kVersionPrefix) + std::string(banner);
    if (!line.starts_with(kVersionPrefix) || line.size() == kVersionPrefix.size()) {
        return fail("ssh banner '{}' must be SSH-2.0-<software>", banner);
    }
    if (line.size() > 253) {
        return fail("ssh banner is longer than 253 bytes");
    }
    for (const char ch : line) {
        if (ch < ' ' || ch > '~') {
            return fail("ssh banner '{}' has a byte that is not printable ASCII", banner);
        }
    }
    return line;
}

} // namespace

SshService::SshService(SshConfig config, const telnet::CredentialPolicy& policy,
                       std::shared_ptr<const shell::Persona> persona, Collector& collector)
    : config_(std::move(config)), policy_(&policy), persona_(std::move(persona)), collector_(&collector) {}

SshService::~SshService() {
    if (bind_ != nullptr) {
        ssh_bind_free(bind_);
    }
}

Result<std::unique_ptr<SshService>> SshService::create(SshConfig config, const telnet::CredentialPolicy& policy,
                                                       std::shared_ptr<const shell::Persona> persona,
                                                       Collector& collector) {
    if (!persona) {
        return fail("ssh honeypot: no persona");
    }
    if (config.host_key_types.empty()) {
        return fail("ssh honeypot: no host key types configured");
    }
    if (config.max_auth_tries == 0 || config.max_line_bytes == 0) {
        return fail("ssh honeypot: max_auth_tries and max_line_bytes must be positive");
    }
    auto banner = normalizeBanner(config.banner);
    if (!banner) {
        return fail(banner.error());
    }
    auto keys = loadOrGenerateHostKeys(config.host_key_dir, config.host_key_types);
    if (!keys) {
        return fail(keys.error());
    }
    ssh_init(); // reference-counted; libssh also runs it as a library constructor
    std::unique_ptr<SshService> service(new SshService(std::move(config), policy, std::move(persona), collector));
    service->host_keys_ = std::move(*keys);
    service->banner_ = std::move(*banner);
    service->bind_ = ssh_bind_new();
    if (service->bind_ == nullptr) {
        return fail("ssh honeypot: cannot create libssh server settings");
    }
    int verbosity = SSH_LOG_NOLOG;
    ssh_bind_options_set(service->bind_, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
    for (const auto& key : service->host_keys_) {
        if (ssh_bind_options_set(service->bind_, SSH_BIND_OPTIONS_HOSTKEY, key.path.c_str()) != SSH_OK) {
            return fail("ssh honeypot: libssh refused host key {}", key.path);
        }
    }
    // libssh sends "SSH-2.0-" + this.
    std::string software = service->banner_.substr(kVersionPrefix.size());
    if (ssh_bind_options_set(service->bind_, SSH_BIND_OPTIONS_BANNER, software.c_str()) != SSH_OK) {
        return fail("ssh honeypot: libssh refused banner '{}'", service->banner_);
    }
    // One accept on a throw-away socketpair makes libssh import the host keys now, so a key it
    // cannot use is a start-up error, not a failure of every connection.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        return fail("ssh honeypot: socketpair failed");
    }
    ssh_session probe = ssh_new();
    int rc = probe == nullptr ? SSH_ERROR : ssh_bind_accept_fd(service->bind_, probe, fds[1]);
    std::string why = probe == nullptr ? "out of memory" : ssh_get_error(service->bind_);
    if (probe != nullptr) {
        ssh_free(probe); // closes fds[1] once the session owns it
    }
    ::close(fds[0]);
    if (rc != SSH_OK) {
        return fail("ssh honeypot: libssh cannot use the host keys in {}: {}", service->config_.host_key_dir, why);
    }
    return service;
}

server::ProtocolFactory SshService::protocolFactory() {
    return [this](const server::SessionInfo& info) -> std::unique_ptr<server::SessionProtocol> {
        ++counters_.sessions;
        auto protocol = std::make_unique<SshProtocol>(*this, info);
        if (!protocol->setUp()) {
            ++counters_.setup_errors;
            return nullptr;
        }
        return protocol;
    };
}

} // namespace kansoku::honeypot::ssh

#pragma once

/// The dashboard's local admin session (docs/web.md "Dashboard API"): with `[web] local_admin` and
/// a loopback listening address, a request that carries no Authorization header, comes from a
/// loopback peer and names a loopback host in `Host` (so a web page elsewhere cannot reach the API
/// through DNS rebinding) is the admin, as a local shell user could read the database anyway.
/// Only the dashboard's routes get it (`paths`: a path matches one exactly or continues it with '/'):
/// the ISP API, blocklists and reports keep asking for a key. Any other request is left to the
/// wrapped authenticator; on another address nothing changes.

#include <string>
#include <string_view>
#include <vector>

#include "web/authenticator.h"

namespace kansoku::web {

class LocalSessionAuthenticator : public Authenticator {
public:
    /// `inner` must outlive this.
    LocalSessionAuthenticator(const Authenticator& inner, std::vector<std::string> paths)
        : inner_(inner), paths_(std::move(paths)) {}
    void authenticate(Request& request) const override;

private:
    const Authenticator& inner_;
    std::vector<std::string> paths_;
};

/// Whether `address` (text) is a loopback address (127.0.0.0/8, ::1, or IPv4-mapped 127/8).
bool isLoopbackAddress(std::string_view address);
/// Whether a Host header names this machine by loopback: localhost, 127.x.y.z or [::1], with or without a port.
bool isLoopbackHost(std::string_view host);

} // namespace kansoku::web

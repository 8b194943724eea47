#pragma once

/// Who a request comes from, decided before its route's handler runs: the server asks the
/// Authenticator, then refuses a caller below the route's Route::access (401 without credentials,
/// 403 with too few rights). ISP tenants (issue 11 item 4) will add a Tenant-aware implementation.

#include <string>
#include <string_view>

#include "web/http_message.h"

namespace kansoku::web {

class Authenticator {
public:
    virtual ~Authenticator() = default;
    /// Sets request.caller (and request.tenant) from request.authorization.
    virtual void authenticate(Request& request) const = 0;
};

/// `Authorization: Bearer KEY` (RFC 6750 section 2.1) equal to one admin key is Admin; anything
/// else is Anonymous. An empty key admits nobody as Admin.
class AdminKeyAuthenticator : public Authenticator {
public:
    explicit AdminKeyAuthenticator(std::string admin_key) : admin_key_(std::move(admin_key)) {}
    void authenticate(Request& request) const override;

private:
    std::string admin_key_;
};

/// The token of an `Authorization: Bearer TOKEN` header ("" if it is not one).
std::string_view bearerToken(std::string_view authorization);
/// Compares in time that depends only on the lengths, not on where the texts differ.
bool constantTimeEqual(std::string_view a, std::string_view b);

} // namespace kansoku::web

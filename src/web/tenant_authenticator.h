#pragma once

/// The authenticator of the center once ISPs are tenants (issue 11 item 4): `Authorization:
/// Bearer KEY` (RFC 6750 section 2.1) is Admin when KEY is the [web] admin key (compared in
/// constant time), Tenant when the SHA-256 of KEY is an ISP's key hash (Request::tenant and
/// Request::scope are set), Anonymous otherwise. The store is the truth; a key seen recently is
/// answered from a small cache that is re-checked against the store after `recheck`, so a key
/// rotated or removed by another process (`kansoku isp rotate-key`) stops working within that time.

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/duration.h"
#include "common/time.h"
#include "store/tenant_store.h"
#include "web/authenticator.h"

namespace kansoku::web {

class TenantAuthenticator : public Authenticator {
public:
    using Clock = std::function<Timestamp()>;
    /// The default re-check interval: short enough that a revoked key dies quickly, long enough
    /// that a client's burst of requests costs one store look-up.
    static constexpr Duration kDefaultRecheck = Duration::fromSeconds(1);

    /// `tenants` may be null (no database: only the admin key works); otherwise it must outlive
    /// this and, like authenticate(), be used from the server's one thread.
    TenantAuthenticator(std::string admin_key, store::TenantStore* tenants, Duration recheck = kDefaultRecheck,
                        Clock clock = nowMicros);
    void authenticate(Request& request) const override;
    /// Drops every cached key (after this process changed the tenants itself).
    void forget() const { cache_.clear(); }

private:
    struct Entry {
        std::string tenant;
        std::shared_ptr<const AddressScope> scope;
        Timestamp checked = 0;
    };
    /// The tenant whose key hashes to `key_hash`, from the cache or the store; null if none.
    const Entry* lookup(const std::string& key_hash) const;

    std::string admin_key_;
    store::TenantStore* tenants_;
    Duration recheck_;
    Clock clock_;
    mutable std::unordered_map<std::string, Entry> cache_; ///< by key hash; only known keys
};

} // namespace kansoku::web

#include "web/tenant_authenticator.h"

#include "share/isp/api_key.h"

namespace kansoku::web {
namespace {

/// Known keys kept at most; past this the cache starts over (tenants are few, so this is a guard).
constexpr size_t kMaxCached = 4096;
/// Longer tokens are not keys of ours; they are not even hashed.
constexpr size_t kMaxToken = 512;

} // namespace

TenantAuthenticator::TenantAuthenticator(std::string admin_key, store::TenantStore* tenants, Duration recheck,
                                         Clock clock)
    : admin_key_(std::move(admin_key)), tenants_(tenants), recheck_(recheck), clock_(std::move(clock)) {}

const TenantAuthenticator::Entry* TenantAuthenticator::lookup(const std::string& key_hash) const {
    const Timestamp now = clock_();
    if (auto it = cache_.find(key_hash); it != cache_.end()) {
        if (now - it->second.checked < recheck_.micros()) {
            return &it->second;
        }
        cache_.erase(it);
    }
    auto isp = tenants_->ispByKeyHash(key_hash);
    if (!isp || !isp->has_value()) {
        return nullptr; // unknown keys are not cached: a flood of them cannot evict the real ones
    }
    if (cache_.size() >= kMaxCached) {
        cache_.clear();
    }
    auto& isp_record = **isp;
    auto [it, inserted] = cache_.insert_or_assign(
        key_hash, Entry{isp_record.name, std::make_shared<const AddressScope>(std::move(isp_record.scope)), now});
    return &it->second;
}

void TenantAuthenticator::authenticate(Request& request) const {
    request.caller = Caller::Anonymous;
    request.tenant.clear();
    request.scope.reset();
    const auto token = bearerToken(request.authorization);
    if (token.empty() || token.size() > kMaxToken) {
        return;
    }
    if (!admin_key_.empty() && constantTimeEqual(token, admin_key_)) {
        request.caller = Caller::Admin;
        return;
    }
    // Looking a key up by its hash leaks nothing about the key through timing: the hash of a
    // guess says nothing about how close the guess was.
    if (tenants_ == nullptr || !token.starts_with(share::isp::kApiKeyPrefix)) {
        return;
    }
    if (const Entry* entry = lookup(share::isp::apiKeyHash(token))) {
        request.caller = Caller::Tenant;
        request.tenant = entry->tenant;
        request.scope = entry->scope;
    }
}

} // namespace kansoku::web

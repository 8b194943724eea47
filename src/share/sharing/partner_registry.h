#pragma once

/// Partners of the sharing communities (issue 12 item 2): the rules a partner passes before it is
/// stored, its secret (made here, printed once, kept hashed), and who a request's credentials are.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/sharing_config.h"
#include "share/stix/tlp.h"
#include "store/sharing_store.h"

namespace kansoku::share {

/// Every partner secret starts with this (recognisable when leaked).
inline constexpr std::string_view kPartnerSecretPrefix = "ksp_";

/// A partner as the TAXII server sees it.
struct Partner {
    std::string name;
    std::string community;
    stix::Tlp ceiling = stix::Tlp::Clear;
};

class PartnerRegistry {
public:
    PartnerRegistry(store::SharingStore& store, const SharingConfig& config) : store_(store), config_(config) {}

    /// Adds a partner of a configured community with its TLP ceiling; returns its secret (shown
    /// once). Fails with one line on a bad name, an unknown community, a TLP that cannot be a
    /// ceiling (red) or a taken name.
    Result<std::string> add(std::string_view name, std::string_view community, std::string_view tlp, Timestamp now);
    /// A new secret for the partner (the old one stops working).
    Result<std::string> rotate(std::string_view name, Timestamp now);
    Result<void> remove(std::string_view name);
    Result<std::vector<store::PartnerRecord>> list();

    /// The partner these credentials belong to: HTTP Basic (user = partner name, password =
    /// secret) or a bare secret (`Authorization: Bearer ksp_...`, `user` empty). Nullopt when
    /// they match no partner or its community is no longer configured.
    Result<std::optional<Partner>> authenticate(std::string_view user, std::string_view secret);

private:
    store::SharingStore& store_;
    const SharingConfig& config_;
};

/// A partner name: 1-64 of [A-Za-z0-9._-], starting with a letter or digit (no ':' : it is the
/// Basic user name).
bool validPartnerName(std::string_view name);

} // namespace kansoku::share

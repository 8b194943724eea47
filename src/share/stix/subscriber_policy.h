#pragma once

/// How addresses of infected hosts (home subscribers of some ISP) may leave kansoku in STIX
/// (issue 12 item 3). Partners abroad get none by default; a community can be given pseudonyms
/// that keep prefixes (Crypto-PAn) or the /24 only, so it can still see "the same /24 again".

#include <optional>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/result.h"
#include "share/stix/crypto_pan.h"

namespace kansoku::share::stix {

enum class SubscriberPolicy { Withhold, Pseudonymise, Aggregate24 };

/// The label of an indicator whose pattern holds a pseudonym, not a real address: nobody should match
/// traffic against it (kansoku's own TAXII client does not).
inline constexpr std::string_view kPseudonymLabel = "pseudonymised-address";

/// "withhold", "pseudonymise", "aggregate24".
std::string_view subscriberPolicyName(SubscriberPolicy policy);
/// The inverse of subscriberPolicyName ("pseudonymize" accepted too); nullopt otherwise.
std::optional<SubscriberPolicy> parseSubscriberPolicy(std::string_view text);

/// What a subscriber address becomes under one policy: the `value` of its ipv4-addr / ipv6-addr object.
class SubscriberAddressMap {
public:
    /// Pseudonymise needs `secret` (see CryptoPan::keyFromSecret); the others ignore it.
    static Result<SubscriberAddressMap> create(SubscriberPolicy policy, std::string_view secret);

    SubscriberPolicy policy() const { return policy_; }
    /// Withhold: nothing. Pseudonymise: the Crypto-PAn pseudonym ("203.0.113.9"). Aggregate24: the
    /// covering /24 for IPv4 ("198.51.100.0/24"), /48 for IPv6 ("2001:db8:1::/48").
    std::optional<std::string> map(const IpAddress& address) const;

private:
    SubscriberAddressMap(SubscriberPolicy policy, std::optional<CryptoPan> pan);

    SubscriberPolicy policy_;
    std::optional<CryptoPan> pan_;
};

} // namespace kansoku::share::stix

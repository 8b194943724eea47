#include "share/stix/subscriber_policy.h"

#include <algorithm>
#include <array>

namespace kansoku::share::stix {

std::string_view subscriberPolicyName(SubscriberPolicy policy) {
    switch (policy) {
    case SubscriberPolicy::Withhold:
        return "withhold";
    case SubscriberPolicy::Pseudonymise:
        return "pseudonymise";
    case SubscriberPolicy::Aggregate24:
        return "aggregate24";
    }
    return "withhold";
}

std::optional<SubscriberPolicy> parseSubscriberPolicy(std::string_view text) {
    if (text == "withhold") {
        return SubscriberPolicy::Withhold;
    }
    if (text == "pseudonymise" || text == "pseudonymize") {
        return SubscriberPolicy::Pseudonymise;
    }
    if (text == "aggregate24") {
        return SubscriberPolicy::Aggregate24;
    }
    return std::nullopt;
}

Result<SubscriberAddressMap> SubscriberAddressMap::create(SubscriberPolicy policy, std::string_view secret) {
    if (policy != SubscriberPolicy::Pseudonymise) {
        return SubscriberAddressMap(policy, std::nullopt);
    }
    auto key = CryptoPan::keyFromSecret(secret);
    KANSOKU_TRY(key);
    auto pan = CryptoPan::create(*key);
    KANSOKU_TRY(pan);
    return SubscriberAddressMap(policy, std::move(*pan));
}

SubscriberAddressMap::SubscriberAddressMap(SubscriberPolicy policy, std::optional<CryptoPan> pan)
    : policy_(policy), pan_(std::move(pan)) {}

std::optional<std::string> SubscriberAddressMap::map(const IpAddress& address) const {
    switch (policy_) {
    case SubscriberPolicy::Withhold:
        return std::nullopt;
    case SubscriberPolicy::Pseudonymise:
        return pan_->pseudonymise(address).toString();
    case SubscriberPolicy::Aggregate24: {
        std::array<uint8_t, 16> bytes = address.bytes();
        if (address.isV4()) {
            bytes[15] = 0;
            return IpAddress::fromV6(bytes.data()).toString() + "/24";
        }
        std::fill(bytes.begin() + 6, bytes.end(), uint8_t{0});
        return IpAddress::fromV6(bytes.data()).toString() + "/48";
    }
    }
    return std::nullopt;
}

} // namespace kansoku::share::stix

#include "share/sharing/partner_registry.h"

#include <algorithm>
#include <cctype>

#include "share/secret_token.h"

namespace kansoku::share {

bool validPartnerName(std::string_view name) {
    if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name.front()))) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

Result<std::string> PartnerRegistry::add(std::string_view name, std::string_view community, std::string_view tlp,
                                         Timestamp now) {
    if (!validPartnerName(name)) {
        return fail("partner name '{}' must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'", name);
    }
    if (!config_.hasCommunity(community)) {
        std::string known;
        for (const auto& c : config_.communities) {
            known += known.empty() ? c : ", " + c;
        }
        return fail("community '{}' is not configured (sharing.communities: {})", community,
                    known.empty() ? "none" : known);
    }
    const auto ceiling = stix::parseTlp(tlp);
    if (!ceiling || *ceiling == stix::Tlp::Red) {
        return fail("--tlp must be clear, green, amber or amber+strict, not '{}'", tlp);
    }
    auto secret = generateSecretToken(kPartnerSecretPrefix);
    KANSOKU_TRY(secret);
    KANSOKU_TRY(store_.addPartner({std::string(name), std::string(community), std::string(stix::tlpName(*ceiling)),
                                   secretTokenHash(*secret), now, now}));
    return secret;
}

Result<std::string> PartnerRegistry::rotate(std::string_view name, Timestamp now) {
    auto secret = generateSecretToken(kPartnerSecretPrefix);
    KANSOKU_TRY(secret);
    auto rotated = store_.setPartnerSecretHash(name, secretTokenHash(*secret), now);
    KANSOKU_TRY(rotated);
    if (!*rotated) {
        return fail("no partner named '{}'", name);
    }
    return secret;
}

Result<void> PartnerRegistry::remove(std::string_view name) {
    auto removed = store_.removePartner(name);
    KANSOKU_TRY(removed);
    if (!*removed) {
        return fail("no partner named '{}'", name);
    }
    return {};
}

Result<std::vector<store::PartnerRecord>> PartnerRegistry::list() {
    return store_.partners();
}

Result<std::optional<Partner>> PartnerRegistry::authenticate(std::string_view user, std::string_view secret) {
    if (!secret.starts_with(kPartnerSecretPrefix)) {
        return std::optional<Partner>{};
    }
    auto record = store_.partnerBySecretHash(secretTokenHash(secret));
    KANSOKU_TRY(record);
    // The hash is the secret's identity; the Basic user name must agree with it.
    if (!*record || (!user.empty() && user != (*record)->name) || !config_.hasCommunity((*record)->community)) {
        return std::optional<Partner>{};
    }
    const auto ceiling = stix::parseTlp((*record)->tlp);
    if (!ceiling) {
        return std::optional<Partner>{};
    }
    return std::optional<Partner>{Partner{(*record)->name, (*record)->community, *ceiling}};
}

} // namespace kansoku::share

#include "web/authenticator.h"

#include <cctype>

namespace kansoku::web {

std::string_view bearerToken(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()) {
        return {};
    }
    for (size_t i = 0; i < kScheme.size(); ++i) { // the scheme is case-insensitive (RFC 9110 section 11.1)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
            return {};
        }
    }
    auto token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    return token;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ (b.empty() ? 0 : b[i % b.size()]));
    }
    return diff == 0;
}

void AdminKeyAuthenticator::authenticate(Request& request) const {
    request.caller = Caller::Anonymous;
    const auto token = bearerToken(request.authorization);
    if (!admin_key_.empty() && !token.empty() && constantTimeEqual(token, admin_key_)) {
        request.caller = Caller::Admin;
    }
}

} // namespace kansoku::web

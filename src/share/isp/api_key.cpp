#include "share/isp/api_key.h"

#include "share/secret_token.h"

namespace kansoku::share::isp {

Result<std::string> generateApiKey() {
    return generateSecretToken(kApiKeyPrefix);
}

std::string apiKeyHash(std::string_view key) {
    return secretTokenHash(key);
}

} // namespace kansoku::share::isp

#pragma once

/// ISP API keys (issue 11 item 4): 256 random bits from OpenSSL's CSPRNG, printable, given to the
/// ISP once; the store keeps only their SHA-256 (store::IspRecord::key_hash), so a stolen
/// database does not hold a usable key.

#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::share::isp {

/// Every key starts with this, so a leaked key is recognisable (e.g. by secret scanners).
inline constexpr std::string_view kApiKeyPrefix = "ksk_";

/// A new key: kApiKeyPrefix then 32 bytes of RAND_bytes in unpadded base64url (RFC 4648 section
/// 5), 47 characters in all. Fails only when OpenSSL's generator is not seeded.
Result<std::string> generateApiKey();

/// The SHA-256 of `key`, 64 lowercase hex digits: what the store keeps and looks keys up by.
std::string apiKeyHash(std::string_view key);

} // namespace kansoku::share::isp

#pragma once

/// Machine-made secrets given to an outside party once (ISP API keys, partners' TAXII passwords):
/// 256 random bits from OpenSSL's CSPRNG behind a recognisable prefix, printable. The store keeps
/// only their SHA-256: with 256 bits of entropy a fast hash is as strong as a slow one (no
/// dictionary to try), and a stolen database holds nothing usable.

#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::share {

/// `prefix` then 32 bytes of RAND_bytes in unpadded base64url (RFC 4648 section 5), 43 characters.
/// Fails only when OpenSSL's generator is not seeded.
Result<std::string> generateSecretToken(std::string_view prefix);

/// The SHA-256 of `token`, 64 lowercase hex digits: what the store keeps and looks tokens up by.
std::string secretTokenHash(std::string_view token);

} // namespace kansoku::share

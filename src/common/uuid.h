#pragma once

/// UUIDs in their text form (RFC 9562): random ones (version 4) for resources kansoku names itself,
/// such as TAXII collections and statuses.

#include <array>
#include <cstdint>
#include <string>

namespace kansoku {

/// The 8-4-4-4-12 lowercase hex form of 16 bytes.
std::string formatUuid(const std::array<uint8_t, 16>& bytes);

/// A version 4 UUID (RFC 9562 section 5.4) from the system's random source (std::random_device,
/// /dev/urandom on Linux).
std::string randomUuid();

} // namespace kansoku

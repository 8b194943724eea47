#pragma once

/// Unaligned big-endian loads. Callers check lengths first; these never bounds-check.

#include <cstdint>
#include <cstring>

namespace kansoku::capture::detail {

inline uint16_t load16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

inline uint32_t load32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}

} // namespace kansoku::capture::detail

#include "common/prefix_cover.h"

#include <array>
#include <bit>

namespace kansoku {
namespace {

__extension__ typedef unsigned __int128 Key;

Key keyOf(const IpAddress& address) {
    Key key = 0;
    for (const uint8_t byte : address.bytes()) {
        key = (key << 8) | byte;
    }
    return key;
}

IpAddress addressOf(Key key) {
    std::array<uint8_t, 16> bytes{};
    for (size_t i = bytes.size(); i-- > 0;) {
        bytes[i] = static_cast<uint8_t>(key);
        key >>= 8;
    }
    return IpAddress::fromV6(bytes.data());
}

/// Trailing zero bits of `key` (128 for zero).
int trailingZeros(Key key) {
    const auto low = static_cast<uint64_t>(key);
    if (low != 0) {
        return std::countr_zero(low);
    }
    const auto high = static_cast<uint64_t>(key >> 64);
    return high != 0 ? 64 + std::countr_zero(high) : 128;
}

} // namespace

void appendCoveringPrefixes(const IpAddress& first, const IpAddress& last, std::vector<Prefix>& out) {
    if (first.isV4() != last.isV4() || last < first) {
        return;
    }
    // Over the 128-bit (mapped) form: an IPv4 range never leaves ::ffff:0:0/96, so every block found
    // is at most a /96 there, an IPv4 /0.
    const int family_bits = first.isV4() ? 32 : 128;
    Key at = keyOf(first);
    const Key end = keyOf(last);
    while (true) {
        // The largest block aligned at `at` that does not pass `end`.
        int host_bits = std::min(trailingZeros(at), family_bits);
        while (host_bits > 0) {
            const Key span = host_bits == 128 ? ~Key{0} : (Key{1} << host_bits) - 1;
            if (end - at >= span) {
                break;
            }
            --host_bits;
        }
        out.emplace_back(addressOf(at), family_bits - host_bits);
        const Key block_last = at + (host_bits == 128 ? ~Key{0} : (Key{1} << host_bits) - 1);
        if (block_last >= end) {
            return;
        }
        at = block_last + 1;
    }
}

} // namespace kansoku

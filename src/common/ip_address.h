#pragma once

/// IPv4 and IPv6 addresses in one value type. An IPv4 address is stored as its IPv4-mapped
/// IPv6 form (::ffff:a.b.c.d, RFC 4291 2.5.5.2) so one hash table serves both families.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace kansoku {

class IpAddress {
public:
    IpAddress() = default;

    /// From an IPv4 address in host byte order.
    static IpAddress fromV4(uint32_t host_order) {
        IpAddress a;
        a.bytes_[10] = 0xff;
        a.bytes_[11] = 0xff;
        a.bytes_[12] = static_cast<uint8_t>(host_order >> 24);
        a.bytes_[13] = static_cast<uint8_t>(host_order >> 16);
        a.bytes_[14] = static_cast<uint8_t>(host_order >> 8);
        a.bytes_[15] = static_cast<uint8_t>(host_order);
        return a;
    }
    /// From 16 bytes in network order.
    static IpAddress fromV6(const uint8_t* network_order) {
        IpAddress a;
        std::memcpy(a.bytes_.data(), network_order, 16);
        return a;
    }
    /// Parses dotted-quad IPv4 or RFC 5952 / RFC 4291 IPv6 text.
    static std::optional<IpAddress> parse(std::string_view text);

    bool isV4() const {
        static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        return std::memcmp(bytes_.data(), kMapped, 12) == 0;
    }
    /// The IPv4 address in host order; meaningful only when isV4().
    uint32_t v4() const {
        return (uint32_t{bytes_[12]} << 24) | (uint32_t{bytes_[13]} << 16) | (uint32_t{bytes_[14]} << 8) |
               uint32_t{bytes_[15]};
    }
    const std::array<uint8_t, 16>& bytes() const { return bytes_; }

    /// Canonical text: dotted quad for IPv4, RFC 5952 for IPv6.
    std::string toString() const;

    uint64_t hi() const {
        uint64_t v;
        std::memcpy(&v, bytes_.data(), 8);
        return v;
    }
    uint64_t lo() const {
        uint64_t v;
        std::memcpy(&v, bytes_.data() + 8, 8);
        return v;
    }

    friend bool operator==(const IpAddress& a, const IpAddress& b) { return a.hi() == b.hi() && a.lo() == b.lo(); }
    friend auto operator<=>(const IpAddress& a, const IpAddress& b) { return a.bytes_ <=> b.bytes_; }

    template <typename H>
    friend H AbslHashValue(H h, const IpAddress& a) {
        return H::combine(std::move(h), a.hi(), a.lo());
    }

private:
    std::array<uint8_t, 16> bytes_{};
};

/// A 64-bit mix of an address, for sketches that need a well-spread hash (splitmix64 finaliser).
inline uint64_t mixHash(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
inline uint64_t hashAddress(const IpAddress& a) {
    return mixHash(a.hi() ^ mixHash(a.lo()));
}

} // namespace kansoku

#pragma once

/// CIDR prefixes (203.0.113.0/24, 2001:db8::/32) and a set of them for darknet membership tests.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/result.h"

namespace kansoku {

class Prefix {
public:
    Prefix() = default;
    Prefix(const IpAddress& network, int length);

    /// Parses "a.b.c.d/len" or "v6::/len"; an address without a length is a host prefix.
    /// Host bits must be zero (a typo such as 203.0.113.1/24 is an error, not silently masked).
    static Result<Prefix> parse(std::string_view text);

    bool contains(const IpAddress& address) const;
    bool isV4() const { return network_.isV4(); }
    /// Length in the address's own family (0..32 for IPv4, 0..128 for IPv6).
    int length() const { return isV4() ? length_ - 96 : length_; }
    const IpAddress& network() const { return network_; }
    /// The highest address in the prefix (network with every host bit set).
    IpAddress last() const;
    /// Number of addresses covered, as a double (IPv6 prefixes can exceed 2^64).
    double size() const;
    std::string toString() const;

private:
    IpAddress network_;
    int length_ = 0; ///< over the 128-bit (mapped) form
};

/// The darknet: a set of prefixes. Lookups are linear; deployments have a handful of prefixes,
/// and the IPv4 path compares one masked word per prefix.
class PrefixSet {
public:
    void add(const Prefix& prefix);
    bool contains(const IpAddress& address) const {
        uint32_t index = 0;
        return lookup(address, index);
    }
    /// Whether `address` is covered; for IPv4, `index` is its position in the set's address space
    /// (0 .. v4Size()-1, prefixes in the order added), so per-darknet bitmaps can use it.
    bool lookup(const IpAddress& address, uint32_t& index) const {
        if (address.isV4()) {
            const uint32_t a = address.v4();
            for (const auto& p : v4_) {
                if ((a & p.mask) == p.network) {
                    index = p.base + (a & ~p.mask);
                    return true;
                }
            }
            return false;
        }
        for (const auto& p : v6_) {
            if (p.contains(address)) {
                index = 0;
                return true;
            }
        }
        return false;
    }
    bool empty() const { return prefixes_.empty(); }
    const std::vector<Prefix>& prefixes() const { return prefixes_; }
    /// Total IPv4 addresses covered (the "N" of Moore et al.'s 2^32/N scaling); 0 if none.
    double v4Size() const;
    /// Total IPv6 addresses covered.
    double v6Size() const;

private:
    struct V4 {
        uint32_t network;
        uint32_t mask;
        uint32_t base; ///< index of the prefix's first address in the set (wraps past 2^32)
    };
    std::vector<Prefix> prefixes_;
    std::vector<V4> v4_;
    std::vector<Prefix> v6_;
};

} // namespace kansoku

#include "common/prefix.h"

#include <charconv>
#include <cmath>

namespace kansoku {
namespace {

IpAddress maskAddress(const IpAddress& address, int length) {
    auto bytes = address.bytes();
    for (int i = 0; i < 16; ++i) {
        const int bits = length - i * 8;
        if (bits >= 8) {
            continue;
        }
        bytes[i] &= bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
    }
    return IpAddress::fromV6(bytes.data());
}

} // namespace

Prefix::Prefix(const IpAddress& network, int length)
    : network_(maskAddress(network, network.isV4() ? length + 96 : length)),
      length_(network.isV4() ? length + 96 : length) {}

Result<Prefix> Prefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) {
        return fail("prefix '{}': not an IPv4 or IPv6 address", text);
    }
    const int max = address->isV4() ? 32 : 128;
    int length = max;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
        if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || length < 0 || length > max) {
            return fail("prefix '{}': length must be 0..{}", text, max);
        }
    }
    Prefix prefix(*address, length);
    if (!(prefix.network_ == *address)) {
        return fail("prefix '{}': host bits set (did you mean {}?)", text, prefix.toString());
    }
    return prefix;
}

bool Prefix::contains(const IpAddress& address) const {
    return maskAddress(address, length_) == network_;
}

IpAddress Prefix::last() const {
    auto bytes = network_.bytes();
    for (int i = 0; i < 16; ++i) {
        const int bits = length_ - i * 8;
        if (bits < 8) {
            bytes[i] |= bits <= 0 ? 0xff : static_cast<uint8_t>(0xff >> bits);
        }
    }
    return IpAddress::fromV6(bytes.data());
}

double Prefix::size() const {
    return std::ldexp(1.0, 128 - length_);
}

std::string Prefix::toString() const {
    return network_.toString() + "/" + std::to_string(length());
}

void PrefixSet::add(const Prefix& prefix) {
    prefixes_.push_back(prefix);
    if (prefix.isV4()) {
        const int len = prefix.length();
        const uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
        const auto base = static_cast<uint32_t>(static_cast<uint64_t>(v4Size() - prefix.size()));
        v4_.push_back({prefix.network().v4() & mask, mask, base});
    } else {
        v6_.push_back(prefix);
    }
}

double PrefixSet::v4Size() const {
    // Overlapping prefixes are the operator's mistake; counting them twice would only lower the estimate.
    double total = 0;
    for (const auto& p : prefixes_) {
        if (p.isV4()) {
            total += p.size();
        }
    }
    return total;
}

double PrefixSet::v6Size() const {
    double total = 0;
    for (const auto& p : prefixes_) {
        if (!p.isV4()) {
            total += p.size();
        }
    }
    return total;
}

} // namespace kansoku

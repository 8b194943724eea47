#pragma once

/// An amount of memory or data in configuration and options: "512B", "256KiB", "64MiB", "2GiB"
/// (binary units, as the kernel and libpcap count buffers).

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku {

class ByteSize {
public:
    constexpr ByteSize() = default;
    static constexpr ByteSize fromBytes(uint64_t n) { return ByteSize(n); }
    static constexpr ByteSize fromKiB(uint64_t n) { return ByteSize(n << 10); }
    static constexpr ByteSize fromMiB(uint64_t n) { return ByteSize(n << 20); }
    static constexpr ByteSize fromGiB(uint64_t n) { return ByteSize(n << 30); }
    static constexpr ByteSize fromTiB(uint64_t n) { return ByteSize(n << 40); }

    /// "64MiB", "256KiB", "100B"; units B, KiB, MiB, GiB, TiB. A bare number is refused.
    static Result<ByteSize> parse(std::string_view text);
    /// The largest binary unit that shows it exactly: "64MiB", "1536KiB".
    std::string toString() const;

    constexpr uint64_t bytes() const { return bytes_; }

    constexpr auto operator<=>(const ByteSize&) const = default;

private:
    constexpr explicit ByteSize(uint64_t n) : bytes_(n) {}
    uint64_t bytes_ = 0;
};

} // namespace kansoku

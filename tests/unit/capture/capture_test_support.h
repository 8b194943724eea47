#pragma once

// Helpers shared by the capture tests: hex fixtures (PcapPlusPlus style), decoding from an
// exactly-sized heap copy so AddressSanitizer sees any read past the captured bytes, RFC 1071
// checksums computed independently of PacketBuilder, and a temporary directory.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "capture/packet_decoder.h"
#include "common/ip_address.h"
#include "support/hex.h"
#include "support/temp_dir.h"

namespace kansoku::capture::testing {

using Bytes = std::vector<uint8_t>;

using kansoku::testing::fromHex;

/// Writes a big-endian 16-bit field into a fixture (to corrupt a length or checksum on purpose).
inline void set16(Bytes& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}

/// Joins byte strings: a link header, then an IP packet, ...
inline Bytes concat(std::initializer_list<std::span<const uint8_t>> parts) {
    Bytes out;
    for (const auto& part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

inline Bytes toBytes(std::span<const uint8_t> span) {
    return {span.begin(), span.end()};
}

/// Decodes the first `length` bytes of `frame` from a heap buffer of exactly that size.
inline DecodeAnomaly decodeExact(PacketDecoder& decoder, std::span<const uint8_t> frame, size_t length,
                                 DecodedPacket& packet) {
    if (length > frame.size()) {
        throw std::invalid_argument("prefix longer than the frame");
    }
    std::unique_ptr<uint8_t[]> copy(new uint8_t[length]);
    std::copy(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(length), copy.get());
    return decoder.decode(copy.get(), static_cast<uint32_t>(length), packet);
}

inline DecodeAnomaly decodeExact(PacketDecoder& decoder, std::span<const uint8_t> frame, DecodedPacket& packet) {
    return decodeExact(decoder, frame, frame.size(), packet);
}

/// Decodes `frame` with a fresh decoder for `link_type`.
inline DecodeAnomaly decodeWith(LinkType link_type, std::span<const uint8_t> frame, DecodedPacket& packet) {
    PacketDecoder decoder(link_type);
    return decodeExact(decoder, frame, packet);
}

inline IpAddress ip(std::string_view text) {
    const auto parsed = IpAddress::parse(text);
    if (!parsed) {
        throw std::invalid_argument("bad address in test: " + std::string(text));
    }
    return *parsed;
}

/// RFC 1071 Internet checksum accumulator, written independently of PacketBuilder's: sums 16-bit
/// big-endian words with end-around carry.
class InternetChecksum {
public:
    void add(std::span<const uint8_t> bytes) {
        for (const uint8_t b : bytes) {
            if (odd_) {
                sum_ += b;
            } else {
                sum_ += static_cast<uint64_t>(b) << 8;
            }
            odd_ = !odd_;
        }
    }
    void add16(uint16_t v) {
        const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        add(b);
    }
    void add32(uint32_t v) {
        add16(static_cast<uint16_t>(v >> 16));
        add16(static_cast<uint16_t>(v));
    }
    /// The folded ones'-complement sum (0xffff when the data includes a correct checksum).
    uint16_t folded() const {
        uint64_t s = sum_;
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return static_cast<uint16_t>(s);
    }

private:
    uint64_t sum_ = 0;
    bool odd_ = false;
};

/// A directory under $TMPDIR (or /tmp) for one test, removed with its contents afterwards.
using kansoku::testing::TempDir;

} // namespace kansoku::capture::testing

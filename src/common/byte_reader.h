#pragma once

/// Fixed-width integers in network (big-endian) and little-endian byte order: the project's one copy
/// of this code, for every parser of hostile bytes (packets, SSH, DNS, reflector requests, TFTP, ELF).
///
/// `ByteReader` is a cursor over a span whose reads are bounds-checked: a read that does not fit
/// returns false and leaves the cursor where it was, so a parser never reads past the end.
/// The `load*` / `store*` functions are the unchecked primitives underneath, for code that has
/// already checked a fixed-size header's length (the capture decoders, per packet) and for building
/// headers in a buffer of known size.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace kansoku {

enum class ByteOrder : uint8_t {
    Big,    ///< network byte order (RFC 1700 "Data Notations")
    Little, ///< x86, ARM-LE, MIPSEL... (ELF EI_DATA = ELFDATA2LSB, pcap written on such a host)
};

namespace detail {

template <typename T>
T byteSwap(T value) {
    if constexpr (sizeof(T) == 2) {
        return __builtin_bswap16(value);
    } else if constexpr (sizeof(T) == 4) {
        return __builtin_bswap32(value);
    } else if constexpr (sizeof(T) == 8) {
        return __builtin_bswap64(value);
    } else {
        return value;
    }
}

/// memcpy plus a byte swap when the order is not the host's: one load and one bswap instruction.
template <typename T>
T loadUnsigned(const uint8_t* p, ByteOrder order) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    const ByteOrder host = std::endian::native == std::endian::big ? ByteOrder::Big : ByteOrder::Little;
    return order == host ? value : byteSwap(value);
}

template <typename T>
void storeUnsigned(uint8_t* p, T value, ByteOrder order) {
    const ByteOrder host = std::endian::native == std::endian::big ? ByteOrder::Big : ByteOrder::Little;
    if (order != host) {
        value = byteSwap(value);
    }
    std::memcpy(p, &value, sizeof(T));
}

} // namespace detail

/// Unchecked loads: `p` must hold at least the width read.
inline uint16_t loadU16BE(const uint8_t* p) {
    return detail::loadUnsigned<uint16_t>(p, ByteOrder::Big);
}
inline uint32_t loadU32BE(const uint8_t* p) {
    return detail::loadUnsigned<uint32_t>(p, ByteOrder::Big);
}
inline uint64_t loadU64BE(const uint8_t* p) {
    return detail::loadUnsigned<uint64_t>(p, ByteOrder::Big);
}
inline uint16_t loadU16LE(const uint8_t* p) {
    return detail::loadUnsigned<uint16_t>(p, ByteOrder::Little);
}
inline uint32_t loadU32LE(const uint8_t* p) {
    return detail::loadUnsigned<uint32_t>(p, ByteOrder::Little);
}
inline uint64_t loadU64LE(const uint8_t* p) {
    return detail::loadUnsigned<uint64_t>(p, ByteOrder::Little);
}

/// Unchecked stores: `p` must have room for the width written.
inline void storeU16BE(uint8_t* p, uint16_t value) {
    detail::storeUnsigned(p, value, ByteOrder::Big);
}
inline void storeU32BE(uint8_t* p, uint32_t value) {
    detail::storeUnsigned(p, value, ByteOrder::Big);
}

/// A bounds-checked cursor over bytes that may be hostile. Every read either succeeds and advances,
/// or returns false and changes nothing (neither the cursor nor the output).
class ByteReader {
public:
    explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

    /// Offset of the next byte to read.
    size_t position() const { return position_; }
    /// Bytes left after the cursor.
    size_t remaining() const { return bytes_.size() - position_; }
    /// Everything after the cursor.
    std::span<const uint8_t> rest() const { return bytes_.subspan(position_); }
    /// The whole span the reader was made over.
    std::span<const uint8_t> bytes() const { return bytes_; }

    /// Moves the cursor to `offset` (at most the size: the end is a valid position).
    [[nodiscard]] bool seek(uint64_t offset) {
        if (offset > bytes_.size()) {
            return false;
        }
        position_ = static_cast<size_t>(offset);
        return true;
    }
    [[nodiscard]] bool skip(uint64_t count) {
        if (count > remaining()) {
            return false;
        }
        position_ += static_cast<size_t>(count);
        return true;
    }
    /// The next `count` bytes, in place.
    [[nodiscard]] bool readBytes(uint64_t count, std::span<const uint8_t>& out) {
        if (count > remaining()) {
            return false;
        }
        out = bytes_.subspan(position_, static_cast<size_t>(count));
        position_ += static_cast<size_t>(count);
        return true;
    }

    [[nodiscard]] bool readU8(uint8_t& out) { return read(out, ByteOrder::Big); }
    [[nodiscard]] bool readU16BE(uint16_t& out) { return read(out, ByteOrder::Big); }
    [[nodiscard]] bool readU32BE(uint32_t& out) { return read(out, ByteOrder::Big); }
    [[nodiscard]] bool readU64BE(uint64_t& out) { return read(out, ByteOrder::Big); }
    [[nodiscard]] bool readU16LE(uint16_t& out) { return read(out, ByteOrder::Little); }
    [[nodiscard]] bool readU32LE(uint32_t& out) { return read(out, ByteOrder::Little); }
    [[nodiscard]] bool readU64LE(uint64_t& out) { return read(out, ByteOrder::Little); }

    /// A read in a byte order chosen at run time (an ELF file's EI_DATA, a pcap file's magic).
    template <typename T>
    [[nodiscard]] bool read(T& out, ByteOrder order) {
        static_assert(sizeof(T) <= 8 && T(-1) > T(0), "unsigned integers of 1, 2, 4 or 8 bytes");
        if (remaining() < sizeof(T)) {
            return false;
        }
        out = detail::loadUnsigned<T>(bytes_.data() + position_, order);
        position_ += sizeof(T);
        return true;
    }

private:
    std::span<const uint8_t> bytes_;
    size_t position_ = 0;
};

} // namespace kansoku

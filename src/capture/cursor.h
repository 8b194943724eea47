#pragma once

#include <cstdint>

namespace kansoku::capture::detail {

/// The bytes not yet decoded. Decoders check `length` before every read and only shrink it.
struct Cursor {
    const uint8_t* data;
    uint32_t length;

    void advance(uint32_t n) {
        data += n;
        length -= n;
    }
};

} // namespace kansoku::capture::detail

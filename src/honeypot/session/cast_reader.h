#pragma once

/// Reads an asciinema v2 cast (as CastRecorder writes them) for `kansoku honeypot replay`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kansoku::honeypot {

struct CastEvent {
    double time = 0; ///< seconds from the session's start
    char kind = 'o'; ///< 'o' output, 'i' input (other kinds are kept as read)
    std::string data;
};

struct Cast {
    uint32_t width = 80;
    uint32_t height = 24;
    int64_t timestamp = 0;
    std::string title;
    std::vector<CastEvent> events;
};

/// The cast at `path`. Errors (one line): missing file, larger than `max_bytes`, a header that is
/// not version 2, an event line that is not [time, "kind", "data"] (with its line number).
Result<Cast> readCast(const std::string& path, size_t max_bytes = 64 * 1024 * 1024);

} // namespace kansoku::honeypot

#pragma once

/// The one way the project reads a whole file (config, personas, rules, warning lists, sample store
/// records, cgroup files): bounded, so a file that is too large, or grows while it is read, is an
/// error rather than an allocation the size of the file.

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace kansoku {

/// Whether the last component of a path may be a symbolic link.
enum class Symlinks {
    Follow, ///< open what the link points at (config and rule files)
    Refuse, ///< fail on a link (the sample store: nothing in it is a link unless planted)
};

/// Reads the whole regular file at `path`, of at most `max_bytes` bytes. The limit is checked before
/// reading and again while reading, so a file that grows, or a /proc or cgroup file whose size reads
/// as 0, cannot pass it. Errors name the path: "PATH: cannot be read: REASON", "PATH: not a regular
/// file", "PATH: N bytes, more than the M-byte limit" (or "PATH: more than the M-byte limit" when it
/// grew past the limit while being read).
Result<std::string> readFileBounded(const std::filesystem::path& path, uint64_t max_bytes,
                                    Symlinks symlinks = Symlinks::Follow);

} // namespace kansoku

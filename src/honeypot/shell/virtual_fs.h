#pragma once

/// A session's in-memory filesystem: a copy-on-write overlay over a Persona's read-only files.
/// Nothing touches the host. Every write is bounded (bytes per file, bytes in all, entries, path
/// length) and every refusal is reported as an FsStatus so the shell can count it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/persona.h"

namespace kansoku::honeypot::shell {

struct FsLimits {
    size_t max_total_bytes = 4 << 20; ///< file bytes held by the overlay
    size_t max_file_bytes = 2 << 20;  ///< one file
    size_t max_entries = 512;         ///< overlay entries: files, directories, deletions
    size_t max_path_length = 255;     ///< an absolute normalised path
};

enum class FsStatus {
    Ok,
    NotFound,
    NotDirectory,
    IsDirectory,
    Exists,
    NotEmpty,
    PathTooLong,  ///< limit: path length
    TooManyFiles, ///< limit: overlay entries
    FileTooLarge, ///< limit: bytes in one file (the write kept what fitted)
    NoSpace,      ///< limit: bytes in all files (the write kept what fitted)
};

/// The text ash/BusyBox print for a status ("No such file or directory", ...).
std::string_view fsStatusText(FsStatus status);
/// True for the statuses that are a limit of ours rather than an ordinary error.
bool isLimit(FsStatus status);

struct FsStat {
    bool directory = false;
    uint32_t mode = 0;
    size_t size = 0;
    bool dropped = false; ///< written during the session (not a persona file)
};

class VirtualFs {
public:
    VirtualFs(std::shared_ptr<const Persona> persona, FsLimits limits);

    /// Joins `path` to `cwd` and removes ".", ".." and repeated slashes. Empty when the result is
    /// longer than the path limit.
    std::optional<std::string> resolve(std::string_view cwd, std::string_view path) const;

    std::optional<FsStat> stat(std::string_view path) const;
    /// A file's bytes; nullopt for a missing path or a directory. The view lives until the next write.
    std::optional<std::string_view> read(std::string_view path) const;
    /// Creates or truncates (append=false) or appends to a file; its parent must be a directory.
    FsStatus write(std::string_view path, std::string_view data, bool append);
    FsStatus makeDirectory(std::string_view path);
    FsStatus remove(std::string_view path, bool recursive);
    FsStatus setMode(std::string_view path, uint32_t mode);
    /// Names in a directory, sorted.
    std::vector<std::string> list(std::string_view path) const;

    size_t overlayBytes() const { return overlay_bytes_; }
    size_t overlayEntries() const { return overlay_.size(); }
    const FsLimits& limits() const { return limits_; }

private:
    struct Node {
        enum class Kind : uint8_t { File, Directory, Deleted } kind = Kind::File;
        bool opaque = false; ///< a directory re-created after a deletion hides the persona's children
        uint32_t mode = 0644;
        std::string content;
    };
    /// What a path is: an overlay node, a persona node, or nothing.
    struct Found {
        const Node* overlay = nullptr;
        const PersonaNode* base = nullptr;
        bool exists() const { return overlay != nullptr || base != nullptr; }
        bool directory() const;
    };

    Found find(std::string_view path) const;
    FsStatus putNode(const std::string& path, Node node);
    FsStatus checkParent(std::string_view path) const;

    std::shared_ptr<const Persona> persona_;
    FsLimits limits_;
    std::map<std::string, Node, std::less<>> overlay_;
    size_t overlay_bytes_ = 0;
};

} // namespace kansoku::honeypot::shell

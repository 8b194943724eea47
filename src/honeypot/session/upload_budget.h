#pragma once

/// What one session may upload over SCP, SFTP or an exec channel's stdin (issue 17 item 1): the same
/// kind of bounds as the downloader's (bytes per file, files, bytes in all), per session, each hit
/// counted. The bytes land in the session's in-memory filesystem, whose own FsLimits apply too.

#include <cstddef>
#include <cstdint>

namespace kansoku::honeypot {

struct UploadLimits {
    size_t max_file_bytes = 2 << 20;  ///< one file (as shell::FsLimits::max_file_bytes)
    size_t max_files = 64;            ///< complete files per session
    size_t max_total_bytes = 4 << 20; ///< bytes of all files per session (as FsLimits::max_total_bytes)
};

/// Each refusal, by bound.
struct UploadLimitHits {
    uint64_t file_bytes = 0;
    uint64_t files = 0;
    uint64_t total_bytes = 0;
    uint64_t total() const { return file_bytes + files + total_bytes; }
};

class UploadBudget {
public:
    enum class Verdict : uint8_t { Ok, FileTooLarge, TooManyFiles, NoSpace };

    explicit UploadBudget(UploadLimits limits = {}) : limits_(limits) {}

    /// May a complete file of `size` bytes be kept? Counts the refusal if not.
    Verdict admit(size_t size) {
        if (size > limits_.max_file_bytes) {
            ++hits_.file_bytes;
            return Verdict::FileTooLarge;
        }
        if (files_ >= limits_.max_files) {
            ++hits_.files;
            return Verdict::TooManyFiles;
        }
        if (size > limits_.max_total_bytes - bytes_) {
            ++hits_.total_bytes;
            return Verdict::NoSpace;
        }
        return Verdict::Ok;
    }
    /// A file admitted and kept.
    void spend(size_t size) {
        ++files_;
        bytes_ += size;
    }
    /// A transfer in progress went past max_file_bytes (refused before the file was complete).
    void countFileBytes() { ++hits_.file_bytes; }

    const UploadLimits& limits() const { return limits_; }
    const UploadLimitHits& hits() const { return hits_; }
    size_t files() const { return files_; }
    size_t bytes() const { return bytes_; }

private:
    UploadLimits limits_;
    UploadLimitHits hits_;
    size_t files_ = 0;
    size_t bytes_ = 0;
};

} // namespace kansoku::honeypot

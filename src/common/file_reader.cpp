#include "common/file_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_descriptor.h"

namespace kansoku {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;
constexpr uint64_t kMaxBytes = uint64_t{1} << 40; ///< keeps `max_bytes + 1` and sizes in range

} // namespace

Result<std::string> readFileBounded(const std::filesystem::path& path, uint64_t max_bytes, Symlinks symlinks) {
    max_bytes = std::min<uint64_t>(max_bytes, kMaxBytes);
    const int flags = O_RDONLY | O_CLOEXEC | (symlinks == Symlinks::Refuse ? O_NOFOLLOW : 0);
    const FileDescriptor fd(::open(path.c_str(), flags));
    if (fd.get() < 0) {
        return fail("{}: cannot be read: {}", path.string(), std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return fail("{}: cannot be read: {}", path.string(), std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return fail("{}: not a regular file", path.string());
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > max_bytes) {
        return fail("{}: {} bytes, more than the {}-byte limit", path.string(), size, max_bytes);
    }
    std::string out;
    size_t got = 0;
    while (true) {
        // What the size says is left (at least a chunk, to see the end or a file that grew), never
        // more than one byte past the limit: that byte is enough to know the file is too large.
        const uint64_t left = size > got ? size - got : 0;
        const uint64_t want = std::min<uint64_t>(max_bytes - got + 1, std::max<uint64_t>(left, kChunkBytes));
        out.resize(got + static_cast<size_t>(want));
        const ssize_t n = ::read(fd.get(), out.data() + got, static_cast<size_t>(want));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("{}: cannot be read: {}", path.string(), std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        got += static_cast<size_t>(n);
        if (got > max_bytes) {
            return fail("{}: more than the {}-byte limit", path.string(), max_bytes);
        }
    }
    out.resize(got);
    return out;
}

} // namespace kansoku

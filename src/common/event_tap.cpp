#include "common/event_tap.h"

#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace kansoku::detail {

namespace {

const char* tapDirectory() {
    const char* dir = std::getenv("KANSOKU_EVENT_TAP");
    return dir != nullptr && *dir != '\0' ? dir : nullptr;
}

/// Opened once; a forked child shares it (O_APPEND keeps each line whole).
int tapFile() {
    static const int fd = [] {
        const std::string path = fmt::format("{}/events-{}.jsonl", tapDirectory(), ::getpid());
        return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }();
    return fd;
}

} // namespace

bool eventTapEnabledSlow() {
    return tapDirectory() != nullptr;
}

void writeEventTapLine(std::string_view line) {
    const int fd = tapFile();
    if (fd < 0) {
        return; // the directory is missing: the validator then finds no events and says so
    }
    std::string buffer;
    buffer.reserve(line.size() + 1);
    buffer.append(line);
    buffer.push_back('\n');
    // One write(2) per line so concurrent writers (threads, forked children) never interleave.
    ssize_t written = ::write(fd, buffer.data(), buffer.size());
    (void)written;
}

} // namespace kansoku::detail

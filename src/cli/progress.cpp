#include "cli/progress.h"

#include <cstdio>

#include <unistd.h>

namespace kansoku::cli {

Progress::Progress() : enabled_(isatty(STDERR_FILENO) == 1), started_(std::chrono::steady_clock::now()) {}

void Progress::update(const std::string& label, uint64_t done_bytes, uint64_t total_bytes, uint64_t packets) {
    if (!enabled_) {
        return;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = seconds > 0 ? static_cast<double>(packets) / seconds : 0;
    if (total_bytes > 0) {
        std::fprintf(stderr, "\r\033[K%s  %3.0f%%  %.1f M packets  %.1f M/s", label.c_str(),
                     100.0 * static_cast<double>(done_bytes) / static_cast<double>(total_bytes),
                     static_cast<double>(packets) / 1e6, rate / 1e6);
    } else {
        std::fprintf(stderr, "\r\033[K%s  %.1f M packets  %.1f M/s", label.c_str(), static_cast<double>(packets) / 1e6,
                     rate / 1e6);
    }
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::updateItems(const std::string& label, uint64_t done, uint64_t total, const char* unit) {
    if (!enabled_) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) {
        return;
    }
    last_draw_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    std::fprintf(stderr, "\r\033[K%s  %llu/%llu %s  %.0f/s", label.c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total), unit, seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    if (drawn_) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        drawn_ = false;
    }
}

} // namespace kansoku::cli

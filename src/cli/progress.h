#pragma once

/// A one-line progress display on stderr for long offline work, shown only when stderr is a
/// terminal (so logs and CI output stay clean).

#include <chrono>
#include <string>

namespace kansoku::cli {

class Progress {
public:
    Progress();
    bool enabled() const { return enabled_; }
    /// Redraws the line: "label  42%  12.3 M packets  9.8 M/s".
    void update(const std::string& label, uint64_t done_bytes, uint64_t total_bytes, uint64_t packets);
    /// Redraws the line for counted items: "triage  120/4000 files  210/s" (at most 10 times a second).
    void updateItems(const std::string& label, uint64_t done, uint64_t total, const char* unit);
    /// Clears the line.
    void finish();

private:
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_draw_{};
    std::chrono::steady_clock::time_point started_;
};

} // namespace kansoku::cli

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
    /// Clears the line.
    void finish();

private:
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point started_;
};

} // namespace kansoku::cli

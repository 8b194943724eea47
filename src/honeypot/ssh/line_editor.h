#pragma once

/// What a pty in canonical mode does with the keys an SSH client sends to an interactive shell:
/// collects a line, echoes it, handles backspace (DEL or ^H), ^U (kill line), ^C (interrupt),
/// ^D on an empty line (end of input), CR, LF or CR LF as one line end, and drops escape
/// sequences (arrow keys) and other control bytes. Pure logic; the line is bounded (the rest of an
/// over-long line is dropped and the line marked truncated).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::honeypot::ssh {

struct LineEvent {
    enum class Kind : uint8_t {
        Line,      ///< a line ended (text without its line end)
        Interrupt, ///< ^C: the current line was discarded
        EndOfInput ///< ^D on an empty line
    };
    Kind kind = Kind::Line;
    std::string text;
    bool truncated = false; ///< bytes beyond max_line_bytes were dropped
};

class LineEditor {
public:
    explicit LineEditor(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

    /// Consumes key bytes; appends the echo to `echo` ("\r\n" for line ends) and what happened to
    /// `events`. After EndOfInput the editor ignores further bytes.
    void feed(std::string_view keys, std::string& echo, std::vector<LineEvent>& events);

    const std::string& pending() const { return line_; }
    uint64_t truncatedLines() const { return truncated_lines_; }
    size_t heapBytes() const { return line_.capacity(); }

private:
    enum class Escape : uint8_t { None, Esc, Csi };

    void endLine(std::string& echo, std::vector<LineEvent>& events);

    size_t max_line_bytes_;
    std::string line_;
    uint64_t truncated_lines_ = 0;
    Escape escape_ = Escape::None;
    bool truncated_ = false;
    bool after_cr_ = false;
    bool ended_ = false;
};

/// A pty's output post-processing (ONLCR): "\n" not preceded by "\r" becomes "\r\n".
std::string toCrLf(std::string_view text);

} // namespace kansoku::honeypot::ssh

#include "honeypot/ssh/line_editor.h"

namespace kansoku::honeypot::ssh {

namespace {

constexpr char kCtrlC = 0x03;
constexpr char kCtrlD = 0x04;
constexpr char kBackspace = 0x08;
constexpr char kCtrlU = 0x15;
constexpr char kEscape = 0x1b;
constexpr char kDelete = 0x7f;

} // namespace

void LineEditor::endLine(std::string& echo, std::vector<LineEvent>& events) {
    echo += "\r\n";
    if (truncated_) {
        ++truncated_lines_;
    }
    events.push_back(LineEvent{LineEvent::Kind::Line, std::move(line_), truncated_});
    line_ = std::string();
    truncated_ = false;
}

void LineEditor::feed(std::string_view keys, std::string& echo, std::vector<LineEvent>& events) {
    for (const char ch : keys) {
        if (ended_) {
            return;
        }
        const bool was_after_cr = after_cr_;
        after_cr_ = false;
        if (escape_ == Escape::Esc) {
            // ESC [ ... or ESC O x (application keypad); anything else ends the sequence.
            escape_ = ch == '[' || ch == 'O' ? Escape::Csi : Escape::None;
            continue;
        }
        if (escape_ == Escape::Csi) {
            if (ch >= 0x40 && ch <= 0x7e) {
                escape_ = Escape::None;
            }
            continue;
        }
        switch (ch) {
        case '\r':
            endLine(echo, events);
            after_cr_ = true;
            continue;
        case '\n':
            if (!was_after_cr) {
                endLine(echo, events);
            }
            continue;
        case kBackspace:
        case kDelete:
            if (!line_.empty()) {
                line_.pop_back();
                echo += "\b \b";
            }
            continue;
        case kCtrlU:
            for (size_t i = 0; i < line_.size(); ++i) {
                echo += "\b \b";
            }
            line_.clear();
            continue;
        case kCtrlC:
            echo += "^C\r\n";
            line_ = std::string();
            truncated_ = false;
            events.push_back(LineEvent{LineEvent::Kind::Interrupt, {}, false});
            continue;
        case kCtrlD:
            if (line_.empty()) {
                ended_ = true;
                events.push_back(LineEvent{LineEvent::Kind::EndOfInput, {}, false});
                return;
            }
            continue;
        case kEscape:
            escape_ = Escape::Esc;
            continue;
        default:
            break;
        }
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') {
            continue; // other control keys do nothing in a canonical-mode line
        }
        if (line_.size() >= max_line_bytes_) {
            truncated_ = true;
            continue;
        }
        line_.push_back(ch);
        echo.push_back(ch);
    }
}

std::string toCrLf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16);
    char previous = 0;
    for (const char ch : text) {
        if (ch == '\n' && previous != '\r') {
            out.push_back('\r');
        }
        out.push_back(ch);
        previous = ch;
    }
    return out;
}

} // namespace kansoku::honeypot::ssh

#include "intel/event_body.h"

#include <algorithm>
#include <cstring>

namespace kansoku::intel {
namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class BodyScanner {
public:
    explicit BodyScanner(std::string_view text) : text_(text) {}

    void skipSpace() {
        while (pos_ < text_.size() && isSpace(text_[pos_])) {
            ++pos_;
        }
    }
    bool consume(char c) {
        skipSpace();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    char peek() {
        skipSpace();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }

    /// A string starting at the current '"': its raw contents (escapes left as they are) and
    /// whether it had any. False when it does not end.
    bool string(std::string_view& raw, bool& escaped) {
        const size_t start = ++pos_; // after the opening quote
        escaped = false;
        while (true) {
            const void* quote = std::memchr(text_.data() + pos_, '"', text_.size() - pos_);
            if (quote == nullptr) {
                return false;
            }
            const size_t at = static_cast<const char*>(quote) - text_.data();
            // The quote is escaped when an odd number of backslashes precede it.
            size_t backslashes = 0;
            while (at - backslashes > start && text_[at - backslashes - 1] == '\\') {
                ++backslashes;
            }
            if (std::memchr(text_.data() + pos_, '\\', at - pos_) != nullptr) {
                escaped = true;
            }
            pos_ = at + 1;
            if (backslashes % 2 == 0) {
                raw = text_.substr(start, at - start);
                return true;
            }
        }
    }

    /// Skips one value; its text. False when the body breaks off.
    bool value(std::string_view& text) {
        skipSpace();
        const size_t start = pos_;
        if (pos_ >= text_.size()) {
            return false;
        }
        const char c = text_[pos_];
        if (c == '"') {
            std::string_view raw;
            bool escaped = false;
            if (!string(raw, escaped)) {
                return false;
            }
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (pos_ < text_.size()) {
                const char d = text_[pos_];
                if (d == '"') {
                    std::string_view raw;
                    bool escaped = false;
                    if (!string(raw, escaped)) {
                        return false;
                    }
                    continue;
                }
                ++pos_;
                if (d == '{' || d == '[') {
                    ++depth;
                } else if ((d == '}' || d == ']') && --depth == 0) {
                    break;
                }
            }
            if (depth != 0) {
                return false;
            }
        } else {
            while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && !isSpace(text_[pos_])) {
                ++pos_;
            }
        }
        text = text_.substr(start, pos_ - start);
        return true;
    }

private:
    std::string_view text_;
    size_t pos_ = 0;
};

/// The value of one wanted member: the common shapes directly, the rest through the JSON parser.
EventFields parseValue(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.find('\\') == std::string_view::npos) {
        return EventFields(std::string(text.substr(1, text.size() - 2)));
    }
    if (text == "true") {
        return EventFields(true);
    }
    if (text == "false") {
        return EventFields(false);
    }
    if (text == "null") {
        return EventFields(nullptr);
    }
    return EventFields::parse(text, nullptr, false);
}

} // namespace

EventFields parseBodyFields(std::string_view body, std::span<const std::string_view> keys) {
    EventFields out = EventFields::object();
    BodyScanner scan(body);
    if (!scan.consume('{')) {
        return EventFields(EventFields::value_t::discarded);
    }
    if (scan.consume('}')) {
        return out;
    }
    while (true) {
        if (scan.peek() != '"') {
            return EventFields(EventFields::value_t::discarded);
        }
        std::string_view key;
        bool escaped = false;
        std::string_view value;
        if (!scan.string(key, escaped) || !scan.consume(':') || !scan.value(value)) {
            return EventFields(EventFields::value_t::discarded);
        }
        // Our keys have no escapes; an escaped key is never one of them.
        if (!escaped && std::find(keys.begin(), keys.end(), key) != keys.end()) {
            EventFields parsed = parseValue(value);
            if (!parsed.is_discarded()) {
                out.get_ref<EventFields::object_t&>().emplace_back(std::string(key), std::move(parsed));
            }
        }
        if (scan.consume('}')) {
            return out;
        }
        if (!scan.consume(',')) {
            return EventFields(EventFields::value_t::discarded);
        }
    }
}

} // namespace kansoku::intel

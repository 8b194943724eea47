#pragma once

/// Writing the Prometheus text exposition format 0.0.4: families (HELP, TYPE) and their samples.

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace kansoku::web {

/// A label value escaped as the text format requires (backslash, double quote, newline).
inline std::string labelValue(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void sample(std::string_view name, std::string_view labels, double value) {
        text_ +=
            labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
    void single(std::string_view name, std::string_view type, std::string_view help, double value) {
        family(name, type, help);
        sample(name, "", value);
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

} // namespace kansoku::web

#include "sandbox/tracer/emulated_program.h"

#include <algorithm>
#include <array>

namespace kansoku::sandbox {

namespace {

/// qemu-user 7.2 options that take a value (`qemu-arm-static -h`).
constexpr std::array<std::string_view, 17> kOptionsWithValue = {
    "0", "B", "cpu", "D", "d", "dfilter", "E", "g", "L", "p", "plugin", "R", "r", "s", "seed", "trace", "U"};

} // namespace

std::optional<EmulatedProgram> parseQemuCommandLine(const std::vector<std::string>& argv) {
    EmulatedProgram program;
    std::optional<std::string> argv0;
    std::size_t i = 1;
    while (i < argv.size()) {
        std::string_view word = argv[i];
        if (word.empty() || word.front() != '-') {
            break;
        }
        ++i;
        word.remove_prefix(1);
        if (word == "-") {
            break; // "--": the guest program follows
        }
        if (!word.empty() && word.front() == '-') {
            word.remove_prefix(1);
        }
        if (std::find(kOptionsWithValue.begin(), kOptionsWithValue.end(), word) == kOptionsWithValue.end()) {
            continue; // a flag: -strace, -singlestep, -one-insn-per-tb ...
        }
        if (i >= argv.size()) {
            return std::nullopt;
        }
        if (word == "0") {
            argv0 = argv[i];
        }
        ++i;
    }
    if (i >= argv.size() || argv[i].empty()) {
        return std::nullopt;
    }
    program.path = argv[i];
    program.argv.push_back(argv0.value_or(argv[i]));
    program.argv.insert(program.argv.end(), argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
    return program;
}

std::string commName(std::string_view path) {
    const auto slash = path.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return std::string(base.substr(0, 15));
}

} // namespace kansoku::sandbox

#pragma once

// Shell::Run, one run()'s bookkeeping, shared by the interpreter's files (shell.cpp,
// shell_compound.cpp). Internal to the shell.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/shell.h"

namespace kansoku::honeypot::shell {

struct Shell::Run {
    ShellResult result;
    std::set<std::string> written_paths;
    size_t commands = 0;
    bool stopped = false;            ///< the command limit was reached: nothing more runs
    std::string* out_sink = nullptr; ///< inside sh -c / sh FILE: where output goes instead of the terminal
    std::string* err_sink = nullptr;
    bool expansion_failed = false; ///< a `$((...))` error in the command being expanded
    /// What `read` reads: the input of each enclosing `while ... done < FILE` / `... | while`, innermost last.
    struct ReadSource {
        std::string data;
        size_t pos = 0;
    };
    std::vector<ReadSource> read_sources;
    size_t loop_iterations = 0;                    ///< all `for`/`while` iterations of the run (bounded)
    std::optional<std::string_view> session_stdin; ///< not yet read by any command
    std::set<std::string> stdin_paths;             ///< files written by the command that read it
};

namespace detail {

/// True when the raw word has an unquoted `*`, `?` or `[` (a glob).
inline bool hasUnquotedGlob(std::string_view raw) {
    bool in_double = false;
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\\') {
            ++i;
        } else if (c == '"') {
            in_double = !in_double;
        } else if (c == '\'' && !in_double) {
            const size_t close = raw.find('\'', i + 1);
            i = close == std::string_view::npos ? raw.size() : close;
        } else if (!in_double && (c == '*' || c == '?' || c == '[')) {
            return true;
        }
    }
    return false;
}

} // namespace detail

} // namespace kansoku::honeypot::shell

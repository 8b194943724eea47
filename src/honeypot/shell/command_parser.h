#pragma once

/// Parses one shell command line into lists, pipelines and simple commands (the subset of POSIX sh
/// grammar that IoT loaders use: `;` `&` `&&` `||` `|`, redirections `<` `>` `>>` `N>` `N>>`
/// `N>&M`, quotes, backslashes, `#` comments). Words keep their quotes; expandWord() removes them
/// and expands `$VAR`, `${VAR}` and `$?` at execution time, so `false; echo $?` sees the status.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::honeypot::shell {

struct Redirection {
    enum class Kind { Input, Output, Append, Duplicate };
    int fd = 1; ///< the descriptor redirected (0 for input)
    Kind kind = Kind::Output;
    std::string target; ///< raw word; for Duplicate the descriptor number text ("1")
};

struct SimpleCommand {
    std::vector<std::string> words; ///< raw words (quotes kept)
    std::vector<Redirection> redirections;
};

struct Pipeline {
    std::vector<SimpleCommand> commands;
};

/// How a pipeline joins the one before it.
enum class Connector { Sequence, And, Or };

struct ListItem {
    Connector connector = Connector::Sequence;
    Pipeline pipeline;
};

struct ParseLimits {
    size_t max_words = 4096;   ///< words and redirections in one line
    size_t max_commands = 256; ///< simple commands in one line
};

struct ParsedLine {
    std::vector<ListItem> items;
    std::string error;      ///< ash's wording after "sh: ", e.g. `syntax error: unexpected "|"`
    bool limit_hit = false; ///< a ParseLimits bound was reached (error says so too)
};

ParsedLine parseCommandLine(std::string_view line, const ParseLimits& limits = {});

/// Returns a variable's value (empty when unset).
using VariableLookup = std::function<std::string(std::string_view name)>;

/// Removes quotes and backslashes and expands variables, like sh does for one word (no field
/// splitting, no globbing).
std::string expandWord(std::string_view raw, const VariableLookup& lookup);

} // namespace kansoku::honeypot::shell

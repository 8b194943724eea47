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
    enum class Kind { Input, Output, Append, Duplicate, HereDoc };
    int fd = 1; ///< the descriptor redirected (0 for input)
    Kind kind = Kind::Output;
    std::string target;  ///< raw word; for Duplicate the descriptor number text ("1"); for HereDoc the body
    bool expand = false; ///< HereDoc: the delimiter was unquoted, so `$` expansions apply to the body
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
    /// A here-document (`<<EOF`) whose end line never came: its body is the rest of the text.
    bool heredoc_unterminated = false;
};

ParsedLine parseCommandLine(std::string_view line, const ParseLimits& limits = {});

/// Returns a variable's value (empty when unset).
using VariableLookup = std::function<std::string(std::string_view name)>;

/// What expansion needs from the shell beyond variables.
struct ExpansionHooks {
    /// `$(...)` and backquotes: runs the script, returns its standard output.
    std::function<std::string(std::string_view script)> command;
    /// An arithmetic error in `$((...))` (ash's message); the word expands to nothing.
    std::function<void(std::string_view message)> error;
};

/// Removes quotes and backslashes and expands variables, `$(...)`, backquotes (trailing newlines
/// removed) and `$((...))` (arithmetic.h), like sh does for one word (no field splitting, no
/// globbing). Without hooks, command substitutions expand to nothing.
std::string expandWord(std::string_view raw, const VariableLookup& lookup, const ExpansionHooks* hooks = nullptr);

/// Where the `$(`...`)` starting at `open` (the index of its '(') ends: one past the matching ')',
/// quotes, backquotes and nesting respected; npos when unterminated.
size_t findClosingParen(std::string_view text, size_t open);
/// One past the backquote closing the one at `open`; npos when unterminated.
size_t findClosingBackquote(std::string_view text, size_t open);

} // namespace kansoku::honeypot::shell

#pragma once

/// The compound commands loaders use (issue 17 item 5): `if ...; then ...; elif ...; else ...; fi`,
/// `for NAME in WORDS; do ...; done`, `while`/`until ...; do ...; done` (with `< FILE`, or fed by a
/// pipeline: `cat f | while read l; do ...; done`) and `case WORD in PAT|PAT) ...;; esac`, parsed
/// over the text of a line or script into a tree whose leaves are plain lists (the text between
/// the reserved words, run by the ordinary parser). Words stay raw (expanded when run).
///
/// Bounded: nesting deeper than kMaxNesting and more than `max_nodes` nodes are errors. A text with
/// a here-document is not parsed here (its body could hold reserved words): it runs as a plain list.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/command_parser.h"

namespace kansoku::honeypot::shell {

struct CompoundNode;
using CompoundSeq = std::vector<CompoundNode>;

struct CompoundNode {
    enum class Kind : uint8_t { List, If, For, While, Case };
    Kind kind = Kind::List;
    Connector connector = Connector::Sequence; ///< how it joins the node before it
    std::string text;                          ///< List: its source; For: the variable; Case: the raw word
    std::vector<std::string> words;            ///< For: the raw words after `in`
    /// If: condition, body, condition, body, ..., then the else body when has_else. While: condition,
    /// body. For: body. Case: one body per item.
    std::vector<CompoundSeq> parts;
    std::vector<std::vector<std::string>> patterns; ///< Case: the raw patterns of each item
    bool has_else = false;
    bool until = false;     ///< While: `until` (runs while the condition fails)
    std::string input_file; ///< While: the raw word of `done < FILE`
    std::string input_from; ///< While: the pipeline text before `| while`
};

struct CompoundParse {
    bool compound = false;   ///< a reserved word starts a command: `seq` holds the tree
    bool incomplete = false; ///< the text ended inside a compound command (more lines may complete it)
    std::string error;       ///< ash's wording after "sh: " (`syntax error: unexpected "fi"`)
    CompoundSeq seq;
};

inline constexpr size_t kMaxCompoundNesting = 16;

/// Parses `text` when one of its commands starts with `if`, `for`, `while`, `until` or `case`.
CompoundParse parseCompound(std::string_view text, size_t max_nodes = 512);

} // namespace kansoku::honeypot::shell

#include "honeypot/shell/command_parser.h"

#include <cctype>

#include "honeypot/shell/arithmetic.h"

namespace kansoku::honeypot::shell {
namespace {

struct Token {
    enum class Kind { Word, Operator, Redirect } kind = Kind::Word;
    std::string text; ///< the word, the operator, or the redirection operator ("2>>", ">&")
};

bool isOperatorChar(char c) {
    return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '\n' || c == '\r';
}

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/// A here-document waiting for its body: the index of its delimiter token.
struct PendingHereDoc {
    size_t op_token;
    size_t word_token;
    bool strip_tabs; ///< <<-
};

/// The delimiter without its quotes; `quoted` when any part was quoted (no expansion of the body).
std::string heredocDelimiter(std::string_view word, bool& quoted) {
    std::string out;
    quoted = false;
    for (size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '\\' || word[i] == '\'' || word[i] == '"') {
            quoted = true;
            if (word[i] == '\\' && i + 1 < word.size()) {
                out += word[++i];
            }
            continue;
        }
        out += word[i];
    }
    return out;
}

/// Reads the bodies of the pending here-documents from `line` at `i` (the start of the line after
/// the one that named them). Returns false when the text ended before a delimiter line.
bool readHereDocs(std::string_view line, size_t& i, std::vector<Token>& tokens, std::vector<PendingHereDoc>& pending) {
    bool complete = true;
    for (const PendingHereDoc& doc : pending) {
        if (doc.word_token >= tokens.size() || tokens[doc.word_token].kind != Token::Kind::Word) {
            continue; // "<<" without a word: the parser reports it
        }
        bool quoted = false;
        const std::string delimiter = heredocDelimiter(tokens[doc.word_token].text, quoted);
        std::string body;
        bool found = false;
        while (i < line.size()) {
            const size_t end = std::min(line.find('\n', i), line.size());
            std::string_view text = line.substr(i, end - i);
            i = std::min(end + 1, line.size());
            if (!text.empty() && text.back() == '\r') {
                text.remove_suffix(1);
            }
            if (doc.strip_tabs) {
                while (!text.empty() && text.front() == '\t') {
                    text.remove_prefix(1);
                }
            }
            if (text == delimiter) {
                found = true;
                break;
            }
            body.append(text);
            body += '\n';
        }
        complete = complete && found;
        tokens[doc.word_token].text = std::move(body);
        tokens[doc.op_token].text = quoted ? "<<'" : "<<";
    }
    pending.clear();
    return complete;
}

} // namespace

size_t findClosingBackquote(std::string_view text, size_t open) {
    for (size_t i = open + 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;
        } else if (text[i] == '`') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

size_t findClosingParen(std::string_view text, size_t open) {
    int depth = 0;
    for (size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            ++i;
        } else if (c == '\'') {
            i = text.find('\'', i + 1);
            if (i == std::string_view::npos) {
                return i;
            }
        } else if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                i += text[i] == '\\' ? 1 : 0;
            }
            if (i >= text.size()) {
                return std::string_view::npos;
            }
        } else if (c == '`') {
            const size_t close = findClosingBackquote(text, i);
            if (close == std::string_view::npos) {
                return close;
            }
            i = close - 1;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && --depth == 0) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

namespace {

constexpr std::string_view kUnterminatedParen = "syntax error: unexpected end of file (expecting \")\")";
constexpr std::string_view kUnterminatedQuote = "syntax error: unterminated quoted string";

/// Splits a line into tokens. Returns an error text for an unterminated quote.
std::string tokenize(std::string_view line, std::vector<Token>& tokens, size_t max_tokens, bool& limit_hit,
                     bool& heredoc_unterminated) {
    size_t i = 0;
    const size_t n = line.size();
    std::vector<PendingHereDoc> heredocs;
    while (i < n) {
        if (tokens.size() >= max_tokens) {
            limit_hit = true;
            return "too many words";
        }
        const char c = line[i];
        if (isBlank(c)) {
            ++i;
            continue;
        }
        if (c == '#') {
            while (i < n && line[i] != '\n') {
                ++i;
            }
            continue;
        }
        if (isOperatorChar(c)) {
            Token token;
            token.kind = Token::Kind::Operator;
            if (c == '\n' || c == '\r') {
                token.text = "\n";
                ++i;
                if (c == '\r' && i < n && line[i] == '\n') {
                    ++i;
                }
                if (!heredocs.empty()) {
                    tokens.push_back(std::move(token));
                    if (!readHereDocs(line, i, tokens, heredocs)) {
                        heredoc_unterminated = true;
                    }
                    continue;
                }
            } else if (c == '<' && i + 1 < n && line[i + 1] == '<') {
                const bool strip = i + 2 < n && line[i + 2] == '-';
                token.text = strip ? "<<-" : "<<";
                i += strip ? 3 : 2;
                heredocs.push_back(PendingHereDoc{tokens.size(), tokens.size() + 1, strip});
            } else if ((c == '&' || c == '|' || c == '>') && i + 1 < n && line[i + 1] == c) {
                token.text = std::string(2, c);
                i += 2;
            } else if (c == '>' && i + 1 < n && line[i + 1] == '&') {
                token.text = ">&";
                i += 2;
            } else {
                token.text = std::string(1, c);
                ++i;
            }
            if (token.text[0] == '<' || token.text[0] == '>') {
                token.kind = Token::Kind::Redirect;
            }
            tokens.push_back(std::move(token));
            continue;
        }
        // A word: runs until an unquoted blank or operator character.
        const size_t start = i;
        while (i < n && !isBlank(line[i]) && !isOperatorChar(line[i])) {
            const char w = line[i];
            if (w == '\\') {
                i += 2;
            } else if (w == '\'') {
                const size_t close = line.find('\'', i + 1);
                if (close == std::string_view::npos) {
                    return std::string(kUnterminatedQuote);
                }
                i = close + 1;
            } else if (w == '"') {
                ++i;
                while (i < n && line[i] != '"') {
                    if (line[i] == '$' && i + 1 < n && line[i + 1] == '(') {
                        const size_t close = findClosingParen(line, i + 1);
                        if (close == std::string_view::npos) {
                            return std::string(kUnterminatedParen);
                        }
                        i = close;
                    } else if (line[i] == '`') {
                        const size_t close = findClosingBackquote(line, i);
                        if (close == std::string_view::npos) {
                            return std::string(kUnterminatedQuote);
                        }
                        i = close;
                    } else {
                        i += line[i] == '\\' ? 2 : 1;
                    }
                }
                if (i >= n) {
                    return std::string(kUnterminatedQuote);
                }
                ++i;
            } else if (w == '$' && i + 1 < n && line[i + 1] == '(') {
                const size_t close = findClosingParen(line, i + 1);
                if (close == std::string_view::npos) {
                    return std::string(kUnterminatedParen);
                }
                i = close;
            } else if (w == '`') {
                const size_t close = findClosingBackquote(line, i);
                if (close == std::string_view::npos) {
                    return std::string(kUnterminatedQuote);
                }
                i = close;
            } else {
                ++i;
            }
        }
        i = std::min(i, n);
        std::string word(line.substr(start, i - start));
        // "2>" "1>>" "2>&1": a lone digit right before a redirection names the descriptor.
        if (word.size() == 1 && std::isdigit(static_cast<unsigned char>(word[0])) != 0 && i < n &&
            (line[i] == '>' || line[i] == '<')) {
            const char op = line[i];
            std::string text = word + op;
            ++i;
            if (i < n && (line[i] == '>' || line[i] == '&') && op == '>') {
                text += line[i];
                ++i;
            }
            tokens.push_back(Token{Token::Kind::Redirect, std::move(text)});
            continue;
        }
        tokens.push_back(Token{Token::Kind::Word, std::move(word)});
    }
    if (!heredocs.empty()) {
        // The line that names a here-document is the last one: its body never came.
        for (const PendingHereDoc& doc : heredocs) {
            if (doc.word_token < tokens.size() && tokens[doc.word_token].kind == Token::Kind::Word) {
                tokens[doc.word_token].text.clear();
            }
            tokens[doc.op_token].text = "<<";
        }
        heredoc_unterminated = true;
    }
    return {};
}

Redirection makeRedirection(const std::string& op, std::string target) {
    Redirection r;
    size_t pos = 0;
    if (std::isdigit(static_cast<unsigned char>(op[0])) != 0) {
        r.fd = op[0] - '0';
        pos = 1;
    } else {
        r.fd = op[0] == '<' ? 0 : 1;
    }
    const std::string_view rest = std::string_view(op).substr(pos);
    if (rest == "<<" || rest == "<<'") {
        r.kind = Redirection::Kind::HereDoc;
        r.fd = 0;
        r.expand = rest == "<<";
    } else if (rest == "<") {
        r.kind = Redirection::Kind::Input;
    } else if (rest == ">>") {
        r.kind = Redirection::Kind::Append;
    } else if (rest == ">&") {
        r.kind = Redirection::Kind::Duplicate;
    } else {
        r.kind = Redirection::Kind::Output;
    }
    r.target = std::move(target);
    return r;
}

} // namespace

ParsedLine parseCommandLine(std::string_view line, const ParseLimits& limits) {
    ParsedLine parsed;
    std::vector<Token> tokens;
    parsed.error = tokenize(line, tokens, limits.max_words, parsed.limit_hit, parsed.heredoc_unterminated);
    if (!parsed.error.empty()) {
        return parsed;
    }
    ListItem item;
    SimpleCommand command;
    size_t commands = 0;
    // What the last operator requires next: a command (after | && ||) or nothing.
    bool need_command = false;
    const auto unexpected = [&parsed](const std::string& text) {
        parsed.items.clear();
        parsed.error = "syntax error: unexpected \"" + text + "\"";
        return parsed;
    };
    // Counts one more command; false (and the line rejected) past the limit.
    const auto countCommand = [&]() {
        if (++commands <= limits.max_commands) {
            return true;
        }
        parsed.items.clear();
        parsed.limit_hit = true;
        parsed.error = "too many commands";
        return false;
    };
    for (size_t i = 0; i < tokens.size(); ++i) {
        Token& token = tokens[i];
        if (token.kind == Token::Kind::Word) {
            command.words.push_back(std::move(token.text));
            need_command = false;
            continue;
        }
        if (token.kind == Token::Kind::Redirect) {
            if (i + 1 >= tokens.size() || tokens[i + 1].kind != Token::Kind::Word) {
                return unexpected(i + 1 < tokens.size() ? tokens[i + 1].text : "newline");
            }
            command.redirections.push_back(makeRedirection(token.text, std::move(tokens[i + 1].text)));
            need_command = false;
            ++i;
            continue;
        }
        const bool empty = command.words.empty() && command.redirections.empty();
        if (token.text == "\n" && empty && need_command) {
            continue; // "a &&<newline>b" and "a |<newline>b" go on on the next line
        }
        if (empty) {
            // A newline (or a trailing ";" or "&") after a complete list is a blank statement.
            const bool separator = token.text == "\n" || token.text == ";" || token.text == "&";
            if (separator && !need_command && item.pipeline.commands.empty() &&
                (token.text == "\n" || !parsed.items.empty())) {
                continue;
            }
            if (item.pipeline.commands.empty() || need_command) {
                return unexpected(token.text == "\n" ? std::string("newline") : token.text);
            }
        }
        if (!empty) {
            if (!countCommand()) {
                return parsed;
            }
            item.pipeline.commands.push_back(std::move(command));
            command = SimpleCommand{};
        }
        if (token.text == "|") {
            need_command = true;
            continue;
        }

        parsed.items.push_back(std::move(item));
        item = ListItem{};
        if (token.text == "&&") {
            item.connector = Connector::And;
            need_command = true;
        } else if (token.text == "||") {
            item.connector = Connector::Or;
            need_command = true;
        } else {
            need_command = false;
        }
    }
    if (!command.words.empty() || !command.redirections.empty()) {
        if (!countCommand()) {
            return parsed;
        }
        item.pipeline.commands.push_back(std::move(command));
    }
    if (need_command) {
        return unexpected("end of file");
    }
    if (!item.pipeline.commands.empty()) {
        parsed.items.push_back(std::move(item));
    }
    return parsed;
}

std::string expandWord(std::string_view raw, const VariableLookup& lookup, const ExpansionHooks* hooks) {
    std::string out;
    bool in_double = false;
    size_t i = 0;
    const size_t n = raw.size();
    const auto substitute = [&](std::string_view script) {
        if (hooks == nullptr || !hooks->command) {
            return;
        }
        std::string output = hooks->command(script);
        while (!output.empty() && output.back() == '\n') {
            output.pop_back();
        }
        out += output;
    };
    const auto backquote = [&](size_t& pos) {
        const size_t close = findClosingBackquote(raw, pos);
        const size_t end = close == std::string_view::npos ? n : close - 1;
        std::string script;
        for (size_t k = pos + 1; k < end; ++k) {
            if (raw[k] == '\\' && k + 1 < end && (raw[k + 1] == '`' || raw[k + 1] == '\\' || raw[k + 1] == '$')) {
                ++k;
            }
            script += raw[k];
        }
        substitute(script);
        pos = close == std::string_view::npos ? n : close;
    };
    const auto variable = [&](size_t& pos) {
        // pos is at '$'
        if (pos + 1 >= n) {
            out += '$';
            ++pos;
            return;
        }
        const char next = raw[pos + 1];
        if (next == '(') {
            const size_t close = findClosingParen(raw, pos + 1);
            const size_t end = close == std::string_view::npos ? n : close;
            const std::string_view inner = raw.substr(pos + 2, end > pos + 3 ? end - pos - 3 : 0);
            if (inner.size() >= 2 && inner.front() == '(' && inner.back() == ')') {
                // $((expression)): the expression may hold $VAR and $(...) too.
                const std::string expression = expandWord(inner.substr(1, inner.size() - 2), lookup, hooks);
                const ArithmeticResult result = evaluateArithmetic(expression, lookup);
                if (result.value) {
                    out += std::to_string(*result.value);
                } else if (hooks != nullptr && hooks->error) {
                    hooks->error(result.error);
                }
            } else {
                substitute(inner);
            }
            pos = end;
            return;
        }
        if (next == '?' || next == '$' || next == '#' || next == '0' || next == '!') {
            out += lookup(std::string_view(&raw[pos + 1], 1));
            pos += 2;
            return;
        }
        if (next == '{') {
            const size_t close = raw.find('}', pos + 2);
            if (close == std::string_view::npos) {
                out += raw.substr(pos);
                pos = n;
                return;
            }
            out += lookup(raw.substr(pos + 2, close - pos - 2));
            pos = close + 1;
            return;
        }
        size_t end = pos + 1;
        while (end < n && (std::isalnum(static_cast<unsigned char>(raw[end])) != 0 || raw[end] == '_')) {
            ++end;
        }
        if (end == pos + 1) {
            out += '$';
            ++pos;
            return;
        }
        out += lookup(raw.substr(pos + 1, end - pos - 1));
        pos = end;
    };
    while (i < n) {
        const char c = raw[i];
        if (in_double) {
            if (c == '"') {
                in_double = false;
                ++i;
            } else if (c == '\\' && i + 1 < n &&
                       (raw[i + 1] == '"' || raw[i + 1] == '\\' || raw[i + 1] == '$' || raw[i + 1] == '`')) {
                out += raw[i + 1];
                i += 2;
            } else if (c == '$') {
                variable(i);
            } else if (c == '`') {
                backquote(i);
            } else {
                out += c;
                ++i;
            }
            continue;
        }
        if (c == '\'') {
            const size_t close = raw.find('\'', i + 1);
            const size_t end = close == std::string_view::npos ? n : close;
            out += raw.substr(i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '"') {
            in_double = true;
            ++i;
        } else if (c == '\\') {
            if (i + 1 < n) {
                out += raw[i + 1];
            }
            i += 2;
        } else if (c == '$') {
            variable(i);
        } else if (c == '`') {
            backquote(i);
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

} // namespace kansoku::honeypot::shell

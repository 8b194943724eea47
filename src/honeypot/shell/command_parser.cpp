#include "honeypot/shell/command_parser.h"

#include <cctype>

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

/// Splits a line into tokens. Returns an error text for an unterminated quote.
std::string tokenize(std::string_view line, std::vector<Token>& tokens, size_t max_tokens, bool& limit_hit) {
    size_t i = 0;
    const size_t n = line.size();
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
                    return "syntax error: unterminated quoted string";
                }
                i = close + 1;
            } else if (w == '"') {
                ++i;
                while (i < n && line[i] != '"') {
                    i += line[i] == '\\' ? 2 : 1;
                }
                if (i >= n) {
                    return "syntax error: unterminated quoted string";
                }
                ++i;
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
    if (rest == "<") {
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
    parsed.error = tokenize(line, tokens, limits.max_words, parsed.limit_hit);
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

std::string expandWord(std::string_view raw, const VariableLookup& lookup) {
    std::string out;
    bool in_double = false;
    size_t i = 0;
    const size_t n = raw.size();
    const auto variable = [&](size_t& pos) {
        // pos is at '$'
        if (pos + 1 >= n) {
            out += '$';
            ++pos;
            return;
        }
        const char next = raw[pos + 1];
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
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

} // namespace kansoku::honeypot::shell

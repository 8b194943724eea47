#include "honeypot/shell/compound.h"

#include <utility>

namespace kansoku::honeypot::shell {
namespace {

struct Tok {
    enum class Kind : uint8_t { Word, Op } kind = Kind::Word;
    std::string_view text;
    size_t begin = 0;
    size_t end = 0;
};

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool isOpChar(char c) {
    return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' || c == '\n';
}

/// Words and operators with their place in the text; quotes, `$(...)`, `${...}` and backquotes stay
/// inside their word. False when a quote or substitution is not closed (the text is incomplete).
bool tokenize(std::string_view text, std::vector<Tok>& out) {
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (isBlank(c)) {
            ++i;
            continue;
        }
        if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
            i += 2; // a line continuation
            continue;
        }
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') {
                ++i;
            }
            continue;
        }
        if (isOpChar(c)) {
            size_t len = 1;
            const std::string_view two = text.substr(i, 2);
            if (two == ";;" || two == "&&" || two == "||" || two == ">>" || two == "<&" || two == ">&") {
                len = 2;
            }
            out.push_back({Tok::Kind::Op, text.substr(i, len), i, i + len});
            i += len;
            continue;
        }
        const size_t begin = i;
        while (i < text.size() && !isBlank(text[i]) && !isOpChar(text[i])) {
            const char w = text[i];
            if (w == '\\') {
                i += 2;
            } else if (w == '\'') {
                const size_t close = text.find('\'', i + 1);
                if (close == std::string_view::npos) {
                    return false;
                }
                i = close + 1;
            } else if (w == '"') {
                size_t j = i + 1;
                while (j < text.size() && text[j] != '"') {
                    j += text[j] == '\\' ? 2 : 1;
                }
                if (j >= text.size()) {
                    return false;
                }
                i = j + 1;
            } else if (w == '$' && i + 1 < text.size() && text[i + 1] == '(') {
                const size_t close = findClosingParen(text, i + 1);
                if (close == std::string_view::npos) {
                    return false;
                }
                i = close;
            } else if (w == '$' && i + 1 < text.size() && text[i + 1] == '{') {
                const size_t close = text.find('}', i + 2);
                if (close == std::string_view::npos) {
                    return false;
                }
                i = close + 1;
            } else if (w == '`') {
                const size_t close = findClosingBackquote(text, i);
                if (close == std::string_view::npos) {
                    return false;
                }
                i = close;
            } else {
                ++i;
            }
        }
        i = std::min(i, text.size());
        out.push_back({Tok::Kind::Word, text.substr(begin, i - begin), begin, i});
    }
    return true;
}

bool isStarter(std::string_view word) {
    return word == "if" || word == "for" || word == "while" || word == "until" || word == "case";
}

/// Reserved words that end or continue a compound command: out of place at a command's start.
bool isCloser(std::string_view word) {
    return word == "then" || word == "else" || word == "elif" || word == "fi" || word == "do" || word == "done" ||
           word == "esac";
}

class Parser {
public:
    Parser(std::string_view text, std::vector<Tok> tokens, size_t max_nodes)
        : text_(text), toks_(std::move(tokens)), max_nodes_(max_nodes) {}

    CompoundParse run() {
        CompoundParse out;
        out.seq = seq({}, 0);
        if (error_.empty() && pos_ < toks_.size()) {
            fail("syntax error: unexpected \"" + std::string(toks_[pos_].text) + "\"");
        }
        out.error = error_;
        out.incomplete = incomplete_;
        out.compound = true;
        return out;
    }

private:
    const Tok* peek() const { return pos_ < toks_.size() ? &toks_[pos_] : nullptr; }
    bool isWord(const Tok* t, std::string_view w) const {
        return t != nullptr && t->kind == Tok::Kind::Word && t->text == w;
    }
    bool isOp(const Tok* t, std::string_view o) const {
        return t != nullptr && t->kind == Tok::Kind::Op && t->text == o;
    }
    bool isSeparator(const Tok* t) const { return isOp(t, ";") || isOp(t, "\n") || isOp(t, "&"); }

    void fail(std::string message) {
        if (error_.empty()) {
            error_ = std::move(message);
        }
    }
    /// The text ended where `expected` had to come.
    void endedExpecting(std::string_view expected) {
        incomplete_ = true;
        fail("syntax error: unexpected end of file (expecting \"" + std::string(expected) + "\")");
    }
    bool expectWord(std::string_view word) {
        const Tok* t = peek();
        if (t == nullptr) {
            endedExpecting(word);
            return false;
        }
        if (!isWord(t, word)) {
            fail("syntax error: unexpected \"" + std::string(t->text) + "\" (expecting \"" + std::string(word) + "\")");
            return false;
        }
        ++pos_;
        return true;
    }
    void skipSeparators() {
        while (isSeparator(peek())) {
            ++pos_;
        }
    }
    bool count() {
        if (++nodes_ > max_nodes_) {
            fail("too many commands");
            return false;
        }
        return true;
    }

    /// Statements until a reserved word of `stops` starts one (or `;;` when `case_item`).
    CompoundSeq seq(std::initializer_list<std::string_view> stops, int depth, bool case_item = false) {
        CompoundSeq out;
        Connector connector = Connector::Sequence;
        while (error_.empty()) {
            skipSeparators();
            const Tok* t = peek();
            if (t == nullptr || (case_item && isOp(t, ";;"))) {
                break;
            }
            bool stop = false;
            for (const std::string_view s : stops) {
                stop = stop || isWord(t, s);
            }
            if (stop) {
                break;
            }
            if (t->kind == Tok::Kind::Word && isCloser(t->text)) {
                fail("syntax error: unexpected \"" + std::string(t->text) + "\"");
                break;
            }
            if (!count()) {
                break;
            }
            CompoundNode node;
            if (t->kind == Tok::Kind::Word && isStarter(t->text)) {
                node = compound(depth);
            } else if (!list(node)) {
                break;
            }
            node.connector = connector;
            connector = Connector::Sequence;
            const bool feeds_while = node.kind == CompoundNode::Kind::List && !node.input_from.empty();
            if (feeds_while) {
                // `PIPELINE | while ...`: the loop reads what the pipeline writes.
                if (!count()) {
                    break;
                }
                CompoundNode loop = compound(depth);
                loop.input_from = std::move(node.input_from);
                loop.connector = node.connector;
                if (!node.text.empty()) {
                    out.push_back(std::move(node));
                }
                node = std::move(loop);
            }
            out.push_back(std::move(node));
            if (isOp(peek(), "&&") || isOp(peek(), "||")) {
                connector = peek()->text == "&&" ? Connector::And : Connector::Or;
                ++pos_;
                while (isOp(peek(), "\n")) {
                    ++pos_;
                }
            }
        }
        return out;
    }

    /// A plain list up to a separator, `;;`, or `&&`/`||`/`|` before a compound command.
    bool list(CompoundNode& node) {
        const size_t first = pos_;
        size_t last = pos_;
        int parens = 0;
        while (pos_ < toks_.size()) {
            const Tok& t = toks_[pos_];
            if (t.kind == Tok::Kind::Op && parens == 0 &&
                (t.text == ";" || t.text == "\n" || t.text == "&" || t.text == ";;")) {
                break;
            }
            if (t.kind == Tok::Kind::Op && (t.text == "&&" || t.text == "||" || t.text == "|") &&
                pos_ + 1 < toks_.size() && toks_[pos_ + 1].kind == Tok::Kind::Word && isStarter(toks_[pos_ + 1].text)) {
                if (t.text == "|") {
                    if (pos_ == first) {
                        fail("syntax error: unexpected \"|\"");
                        return false;
                    }
                    node.kind = CompoundNode::Kind::List;
                    node.input_from =
                        std::string(text_.substr(toks_[first].begin, toks_[last].end - toks_[first].begin));
                    ++pos_;
                    return true;
                }
                break; // the connector is read by seq()
            }
            if (t.kind == Tok::Kind::Op && t.text == "(") {
                ++parens;
            } else if (t.kind == Tok::Kind::Op && t.text == ")") {
                if (parens == 0) {
                    fail("syntax error: unexpected \")\"");
                    return false;
                }
                --parens;
            }
            last = pos_;
            ++pos_;
        }
        if (pos_ == first) {
            fail("syntax error: unexpected \"" + std::string(toks_[first].text) + "\"");
            return false;
        }
        node.kind = CompoundNode::Kind::List;
        node.text = std::string(text_.substr(toks_[first].begin, toks_[last].end - toks_[first].begin));
        return true;
    }

    CompoundNode compound(int depth) {
        CompoundNode node;
        if (depth >= static_cast<int>(kMaxCompoundNesting)) {
            fail("compound commands nested too deep");
            return node;
        }
        const std::string_view word = toks_[pos_++].text;
        if (word == "if") {
            node.kind = CompoundNode::Kind::If;
            for (bool more = true; more && error_.empty();) {
                node.parts.push_back(seq({"then"}, depth + 1));
                if (!expectWord("then")) {
                    break;
                }
                node.parts.push_back(seq({"elif", "else", "fi"}, depth + 1));
                more = isWord(peek(), "elif");
                if (more) {
                    ++pos_;
                }
            }
            if (error_.empty() && isWord(peek(), "else")) {
                ++pos_;
                node.parts.push_back(seq({"fi"}, depth + 1));
                node.has_else = true;
            }
            if (error_.empty()) {
                expectWord("fi");
            }
        } else if (word == "for") {
            node.kind = CompoundNode::Kind::For;
            const Tok* name = peek();
            if (name == nullptr) {
                endedExpecting("do");
                return node;
            }
            if (name->kind != Tok::Kind::Word) {
                fail("syntax error: bad for loop variable");
                return node;
            }
            node.text = std::string(name->text);
            ++pos_;
            if (isWord(peek(), "in")) {
                ++pos_;
                while (peek() != nullptr && peek()->kind == Tok::Kind::Word) {
                    node.words.emplace_back(peek()->text);
                    ++pos_;
                }
            }
            skipSeparators();
            if (expectWord("do")) {
                node.parts.push_back(seq({"done"}, depth + 1));
                if (error_.empty()) {
                    expectWord("done");
                }
            }
        } else if (word == "while" || word == "until") {
            node.kind = CompoundNode::Kind::While;
            node.until = word == "until";
            node.parts.push_back(seq({"do"}, depth + 1));
            if (error_.empty() && expectWord("do")) {
                node.parts.push_back(seq({"done"}, depth + 1));
                if (error_.empty()) {
                    expectWord("done");
                }
            }
        } else { // case
            node.kind = CompoundNode::Kind::Case;
            const Tok* subject = peek();
            if (subject == nullptr) {
                endedExpecting("in");
                return node;
            }
            node.text = std::string(subject->text);
            ++pos_;
            if (!expectWord("in")) {
                return node;
            }
            while (error_.empty()) {
                skipSeparators();
                if (peek() == nullptr) {
                    endedExpecting("esac");
                    break;
                }
                if (isWord(peek(), "esac")) {
                    break;
                }
                if (isOp(peek(), "(")) {
                    ++pos_;
                }
                std::vector<std::string> patterns;
                while (peek() != nullptr && peek()->kind == Tok::Kind::Word) {
                    patterns.emplace_back(peek()->text);
                    ++pos_;
                    if (!isOp(peek(), "|")) {
                        break;
                    }
                    ++pos_;
                }
                if (peek() == nullptr) {
                    endedExpecting(")");
                    break;
                }
                if (patterns.empty() || !isOp(peek(), ")")) {
                    fail("syntax error: unexpected \"" + std::string(peek()->text) + "\" (expecting \")\")");
                    break;
                }
                ++pos_;
                node.patterns.push_back(std::move(patterns));
                node.parts.push_back(seq({"esac"}, depth + 1, true));
                if (isOp(peek(), ";;")) {
                    ++pos_;
                }
            }
            if (error_.empty()) {
                expectWord("esac");
            }
        }
        if (error_.empty() && node.kind == CompoundNode::Kind::While && isOp(peek(), "<")) {
            ++pos_;
            if (peek() == nullptr || peek()->kind != Tok::Kind::Word) {
                fail("syntax error: unexpected newline");
            } else {
                node.input_file = std::string(peek()->text);
                ++pos_;
            }
        }
        return node;
    }

    std::string_view text_;
    std::vector<Tok> toks_;
    size_t pos_ = 0;
    size_t max_nodes_;
    size_t nodes_ = 0;
    std::string error_;
    bool incomplete_ = false;
};

} // namespace

CompoundParse parseCompound(std::string_view text, size_t max_nodes) {
    CompoundParse out;
    if (text.find("<<") != std::string_view::npos) {
        return out;
    }
    std::vector<Tok> tokens;
    const bool closed = tokenize(text, tokens);
    // A reserved word starting a command: at the start, or after a separator or `&&`, `||`, `|`.
    bool starts = false;
    bool command_start = true;
    for (const Tok& t : tokens) {
        if (t.kind == Tok::Kind::Word) {
            starts = starts || (command_start && isStarter(t.text));
            command_start = t.text == "then" || t.text == "do" || t.text == "else" || t.text == "elif";
        } else {
            command_start = t.text != "<" && t.text != ">" && t.text != ">>" && t.text != "<&" && t.text != ">&";
        }
    }
    if (!starts) {
        return out;
    }
    if (!closed) {
        out.compound = true;
        out.incomplete = true;
        out.error = "syntax error: unterminated quoted string";
        return out;
    }
    return Parser(text, std::move(tokens), max_nodes).run();
}

} // namespace kansoku::honeypot::shell

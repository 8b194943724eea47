#include "share/sharing/indicator_pattern.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include "common/ip_address.h"
#include "common/prefix.h"

namespace kansoku::share {
namespace {

constexpr size_t kMaxPattern = 64 * 1024;
constexpr size_t kMaxValues = 10'000;

enum class Token { LeftBracket, RightBracket, LeftParen, RightParen, Word, String, Operator, End, Bad };

/// Splits a pattern into the tokens of the subset read here. Words are object paths and keywords
/// (an object path's quoted steps, as in hashes.'SHA-256', are kept inside the word).
class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Token next(std::string& out) {
        out.clear();
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
            ++pos_;
        }
        if (pos_ >= text_.size()) {
            return Token::End;
        }
        const char c = text_[pos_];
        switch (c) {
        case '[':
            ++pos_;
            return Token::LeftBracket;
        case ']':
            ++pos_;
            return Token::RightBracket;
        case '(':
            ++pos_;
            return Token::LeftParen;
        case ')':
            ++pos_;
            return Token::RightParen;
        case '\'':
            return string(out);
        case '=':
        case '!':
        case '<':
        case '>':
            while (pos_ < text_.size() && std::string_view("=!<>").find(text_[pos_]) != std::string_view::npos) {
                out += text_[pos_++];
            }
            return Token::Operator;
        default:
            break;
        }
        while (pos_ < text_.size()) {
            const char w = text_[pos_];
            if (std::isalnum(static_cast<unsigned char>(w)) || w == '-' || w == '_' || w == ':' || w == '.' ||
                w == '*') {
                out += w;
                ++pos_;
            } else if (w == '\'' && !out.empty() && out.back() == '.') { // a quoted path step
                std::string step;
                if (string(step) != Token::String) {
                    return Token::Bad;
                }
                out += '\'' + step + '\'';
            } else {
                break;
            }
        }
        return out.empty() ? Token::Bad : Token::Word;
    }

private:
    Token string(std::string& out) {
        ++pos_; // the opening quote
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '\\') {
                if (pos_ >= text_.size()) {
                    return Token::Bad;
                }
                out += text_[pos_++];
            } else if (c == '\'') {
                return Token::String;
            } else {
                out += c;
            }
        }
        return Token::Bad;
    }

    std::string_view text_;
    size_t pos_ = 0;
};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool isHashPath(const std::string& path) {
    const std::string p = lower(path);
    return p == "file:hashes.'sha-256'" || p == "file:hashes.sha256" || p == "file:hashes.'sha256'";
}

/// One comparison's value, normalised, or why not.
std::optional<PatternValue> comparisonValue(const std::string& path, const std::string& op, const std::string& literal,
                                            std::string& why) {
    if (path == "ipv4-addr:value" && (op == "=" || op == "ISSUBSET")) {
        if (literal.find('/') != std::string::npos) {
            auto prefix = Prefix::parse(literal);
            if (!prefix || !prefix->isV4()) {
                why = "an ipv4-addr value that is not an IPv4 address or CIDR";
                return std::nullopt;
            }
            if (prefix->length() == 32) {
                return PatternValue{"ipv4", prefix->network().toString()};
            }
            return PatternValue{"ipv4-net", prefix->toString()};
        }
        const auto address = IpAddress::parse(literal);
        if (!address || !address->isV4() || op != "=") {
            why = "an ipv4-addr value that is not an IPv4 address or CIDR";
            return std::nullopt;
        }
        return PatternValue{"ipv4", address->toString()};
    }
    if (path == "domain-name:value" && op == "=") {
        std::string domain = lower(literal);
        if (!domain.empty() && domain.back() == '.') {
            domain.pop_back();
        }
        const bool ok = !domain.empty() && domain.size() <= 253 && domain.front() != '.' &&
                        std::all_of(domain.begin(), domain.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
                        });
        if (!ok) {
            why = "a domain-name value that is not a domain name";
            return std::nullopt;
        }
        return PatternValue{"domain", domain};
    }
    if (isHashPath(path) && op == "=") {
        const std::string hex = lower(literal);
        if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(),
                                             [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
            why = "a SHA-256 that is not 64 hex digits";
            return std::nullopt;
        }
        return PatternValue{"sha256", hex};
    }
    why = "a comparison other than ipv4-addr:value, domain-name:value or file:hashes.'SHA-256' with =";
    return std::nullopt;
}

/// Recursive descent over the subset (grammar at each rule).
class Reader {
public:
    explicit Reader(std::string_view pattern) : lexer_(pattern) { advance(); }

    PatternValues read() {
        PatternValues out;
        if (!pattern(0) || token_ != Token::End) {
            out.unmatched = why_.empty() ? "a pattern outside the subset kansoku matches" : why_;
            return out;
        }
        if (values_.empty()) {
            out.unmatched = "no values";
            return out;
        }
        std::sort(values_.begin(), values_.end(), [](const PatternValue& a, const PatternValue& b) {
            return std::tie(a.kind, a.value) < std::tie(b.kind, b.value);
        });
        values_.erase(std::unique(values_.begin(), values_.end(),
                                  [](const PatternValue& a, const PatternValue& b) {
                                      return a.kind == b.kind && a.value == b.value;
                                  }),
                      values_.end());
        out.values = std::move(values_);
        return out;
    }

private:
    void advance() { token_ = lexer_.next(text_); }

    bool isOr() const { return token_ == Token::Word && text_ == "OR"; }

    /// Items joined by OR, each read by `item` (false when it is not one).
    template <typename Item>
    bool joinedByOr(int depth, Item item) {
        if (depth > 32) {
            why_ = "a pattern nested too deep";
            return false;
        }
        while (item()) {
            if (!isOr()) {
                return true;
            }
            advance();
        }
        return false;
    }

    /// `open` inner `close`, the inner part read by `inner`.
    template <typename Inner>
    bool enclosed(Token open, Token close, Inner inner) {
        if (token_ != open) {
            return false;
        }
        advance();
        if (!inner() || token_ != close) {
            return false;
        }
        advance();
        return true;
    }

    /// pattern := observation (OR observation)*; observation := '[' comparisons ']' | '(' pattern ')'
    bool pattern(int depth) {
        return joinedByOr(depth, [&] {
            return token_ == Token::LeftBracket
                       ? enclosed(Token::LeftBracket, Token::RightBracket, [&] { return comparisons(depth + 1); })
                       : enclosed(Token::LeftParen, Token::RightParen, [&] { return pattern(depth + 1); });
        });
    }

    /// comparisons := term (OR term)*; term := comparison | '(' comparisons ')'
    bool comparisons(int depth) {
        return joinedByOr(depth, [&] {
            return token_ == Token::LeftParen
                       ? enclosed(Token::LeftParen, Token::RightParen, [&] { return comparisons(depth + 1); })
                       : comparison();
        });
    }

    /// path operator 'value', for the paths and operators comparisonValue takes.
    bool comparison() {
        if (token_ != Token::Word) {
            return false;
        }
        const std::string path = text_;
        advance();
        std::string op;
        if (token_ == Token::Operator) {
            op = text_;
        } else if (token_ == Token::Word && text_ == "ISSUBSET") {
            op = "ISSUBSET";
        } else {
            why_ = "a comparison operator kansoku does not match by (" + text_.substr(0, 20) + ")";
            return false;
        }
        advance();
        if (token_ != Token::String) {
            why_ = "a comparison with a value that is not a string";
            return false;
        }
        auto value = comparisonValue(path, op, text_, why_);
        if (!value) {
            return false;
        }
        if (values_.size() >= kMaxValues) {
            why_ = "more than 10,000 values";
            return false;
        }
        values_.push_back(std::move(*value));
        advance();
        return true;
    }

    Lexer lexer_;
    Token token_ = Token::End;
    std::string text_;
    std::string why_;
    std::vector<PatternValue> values_;
};

} // namespace

PatternValues indicatorPatternValues(std::string_view pattern) {
    if (pattern.size() > kMaxPattern) {
        return {{}, "a pattern over 64 KiB"};
    }
    return Reader(pattern).read();
}

} // namespace kansoku::share

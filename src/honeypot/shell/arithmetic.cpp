#include "honeypot/shell/arithmetic.h"

#include <cctype>
#include <limits>

namespace kansoku::honeypot::shell {
namespace {

constexpr int kMaxDepth = 64;

/// Recursive descent over the C precedence levels that POSIX arithmetic uses.
class Evaluator {
public:
    Evaluator(std::string_view text, const VariableLookup& lookup) : text_(text), lookup_(lookup) {}

    ArithmeticResult run() {
        const int64_t value = ternary(0);
        skipBlanks();
        if (error_.empty() && pos_ != text_.size()) {
            error_ = "arithmetic syntax error";
        }
        if (!error_.empty()) {
            return {std::nullopt, error_};
        }
        return {value, {}};
    }

private:
    void skipBlanks() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
            ++pos_;
        }
    }
    bool take(std::string_view op) {
        skipBlanks();
        if (text_.substr(pos_, op.size()) != op) {
            return false;
        }
        // "<" must not take the first half of "<<" or "<=", "&" of "&&", "|" of "||", "!" of "!=".
        if (op.size() == 1 && pos_ + 1 < text_.size()) {
            const char next = text_[pos_ + 1];
            if ((op == "<" && (next == '<' || next == '=')) || (op == ">" && (next == '>' || next == '=')) ||
                (op == "&" && next == '&') || (op == "|" && next == '|') || (op == "!" && next == '=') ||
                (op == "=" && next == '=')) {
                return false;
            }
        }
        pos_ += op.size();
        return true;
    }
    bool fail(const char* message) {
        if (error_.empty()) {
            error_ = message;
        }
        return false;
    }
    bool tooDeep(int depth) { return depth > kMaxDepth && !fail("arithmetic nesting too deep"); }

    int64_t ternary(int depth) {
        if (tooDeep(depth)) {
            return 0;
        }
        const int64_t condition = logicalOr(depth + 1);
        if (!take("?")) {
            return condition;
        }
        const int64_t yes = ternary(depth + 1);
        if (!take(":")) {
            fail("arithmetic syntax error");
            return 0;
        }
        const int64_t no = ternary(depth + 1);
        return condition != 0 ? yes : no;
    }
    int64_t logicalOr(int depth) {
        int64_t v = logicalAnd(depth);
        while (take("||")) {
            const int64_t r = logicalAnd(depth);
            v = (v != 0 || r != 0) ? 1 : 0;
        }
        return v;
    }
    int64_t logicalAnd(int depth) {
        int64_t v = bitOr(depth);
        while (take("&&")) {
            const int64_t r = bitOr(depth);
            v = (v != 0 && r != 0) ? 1 : 0;
        }
        return v;
    }
    int64_t bitOr(int depth) {
        int64_t v = bitXor(depth);
        while (take("|")) {
            v |= bitXor(depth);
        }
        return v;
    }
    int64_t bitXor(int depth) {
        int64_t v = bitAnd(depth);
        while (take("^")) {
            v ^= bitAnd(depth);
        }
        return v;
    }
    int64_t bitAnd(int depth) {
        int64_t v = equality(depth);
        while (take("&")) {
            v &= equality(depth);
        }
        return v;
    }
    int64_t equality(int depth) {
        int64_t v = relational(depth);
        for (;;) {
            if (take("==")) {
                v = v == relational(depth) ? 1 : 0;
            } else if (take("!=")) {
                v = v != relational(depth) ? 1 : 0;
            } else {
                return v;
            }
        }
    }
    int64_t relational(int depth) {
        int64_t v = shift(depth);
        for (;;) {
            if (take("<=")) {
                v = v <= shift(depth) ? 1 : 0;
            } else if (take(">=")) {
                v = v >= shift(depth) ? 1 : 0;
            } else if (take("<")) {
                v = v < shift(depth) ? 1 : 0;
            } else if (take(">")) {
                v = v > shift(depth) ? 1 : 0;
            } else {
                return v;
            }
        }
    }
    int64_t shift(int depth) {
        int64_t v = additive(depth);
        for (;;) {
            if (take("<<")) {
                v = static_cast<int64_t>(static_cast<uint64_t>(v) << (additive(depth) & 63));
            } else if (take(">>")) {
                v >>= (additive(depth) & 63);
            } else {
                return v;
            }
        }
    }
    int64_t additive(int depth) {
        int64_t v = multiplicative(depth);
        for (;;) {
            if (take("+")) {
                v = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(multiplicative(depth)));
            } else if (take("-")) {
                v = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(multiplicative(depth)));
            } else {
                return v;
            }
        }
    }
    int64_t multiplicative(int depth) {
        int64_t v = unary(depth + 1);
        for (;;) {
            const bool mul = take("*");
            const bool div = !mul && take("/");
            const bool mod = !mul && !div && take("%");
            if (!mul && !div && !mod) {
                return v;
            }
            const int64_t r = unary(depth + 1);
            if (mul) {
                v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(r));
            } else if (r == 0) {
                fail("divide by zero");
                return 0;
            } else if (v == std::numeric_limits<int64_t>::min() && r == -1) {
                v = div ? v : 0; // the one overflowing quotient wraps, as on the device's CPU
            } else {
                v = div ? v / r : v % r;
            }
        }
    }
    int64_t unary(int depth) {
        if (tooDeep(depth)) {
            return 0;
        }
        if (take("-")) {
            return static_cast<int64_t>(0 - static_cast<uint64_t>(unary(depth + 1)));
        }
        if (take("+")) {
            return unary(depth + 1);
        }
        if (take("!")) {
            return unary(depth + 1) == 0 ? 1 : 0;
        }
        if (take("~")) {
            return ~unary(depth + 1);
        }
        return primary(depth);
    }
    int64_t primary(int depth) {
        skipBlanks();
        if (take("(")) {
            const int64_t v = ternary(depth + 1);
            if (!take(")")) {
                fail("arithmetic syntax error");
            }
            return v;
        }
        if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) != 0) {
            return number();
        }
        const size_t start = pos_;
        if (pos_ < text_.size() && text_[pos_] == '$') {
            ++pos_; // $x inside $((...)) is the same as x
        }
        const size_t name_start = pos_;
        while (pos_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '_')) {
            ++pos_;
        }
        if (pos_ == name_start || std::isdigit(static_cast<unsigned char>(text_[name_start])) != 0) {
            pos_ = start;
            fail("arithmetic syntax error");
            return 0;
        }
        const std::string value = lookup_(text_.substr(name_start, pos_ - name_start));
        Evaluator inner(value, lookup_);
        const ArithmeticResult result = value.empty() ? ArithmeticResult{0, {}} : inner.constant();
        return result.value.value_or(0);
    }
    /// A variable's value: a number, or 0 (no recursive evaluation of expressions in variables).
    ArithmeticResult constant() {
        skipBlanks();
        const bool negative = take("-");
        if (pos_ >= text_.size() || std::isdigit(static_cast<unsigned char>(text_[pos_])) == 0) {
            return {0, {}};
        }
        const int64_t v = number();
        return {negative ? -v : v, {}};
    }
    int64_t number() {
        int base = 10;
        if (text_[pos_] == '0' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == 'x' || text_[pos_ + 1] == 'X')) {
            base = 16;
            pos_ += 2;
        } else if (text_[pos_] == '0') {
            base = 8;
        }
        uint64_t v = 0;
        const size_t start = pos_;
        while (pos_ < text_.size()) {
            const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_])));
            int digit = -1;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            }
            if (digit < 0 || digit >= base) {
                if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
                    fail("arithmetic syntax error"); // "09", "0xg"
                }
                break;
            }
            v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit); // wraps like the CPU
            ++pos_;
        }
        if (pos_ == start && base == 16) {
            fail("arithmetic syntax error");
        }
        return static_cast<int64_t>(v);
    }

    std::string_view text_;
    const VariableLookup& lookup_;
    size_t pos_ = 0;
    std::string error_;
};

} // namespace

ArithmeticResult evaluateArithmetic(std::string_view expression, const VariableLookup& lookup) {
    return Evaluator(expression, lookup).run();
}

} // namespace kansoku::honeypot::shell

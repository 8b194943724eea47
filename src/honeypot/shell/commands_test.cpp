// `test` and `[` (ash builtins): what loaders check before they act, `[ -f /tmp/x ]`,
// `[ "$ARCH" = mips ]`, `[ $n -gt 3 ]`, `!`, `-a`, `-o`, over the session's filesystem.

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "honeypot/shell/commands.h"

namespace kansoku::honeypot::shell {
namespace {

class TestExpression {
public:
    TestExpression(CommandContext& ctx, const std::vector<std::string>& args) : ctx_(ctx), args_(args) {}

    /// 0 true, 1 false, 2 error (message on stderr).
    int evaluate() {
        if (args_.empty()) {
            return 1;
        }
        const bool value = orExpr();
        if (error_) {
            return 2;
        }
        if (pos_ < args_.size()) {
            ctx_.error(name(), args_[pos_] + ": unknown operand");
            return 2;
        }
        return value ? 0 : 1;
    }

private:
    std::string name() const { return "sh: test"; }
    bool more() const { return pos_ < args_.size(); }

    bool orExpr() {
        bool value = andExpr();
        while (more() && args_[pos_] == "-o") {
            ++pos_;
            value = andExpr() || value;
        }
        return value;
    }
    bool andExpr() {
        bool value = notExpr();
        while (more() && args_[pos_] == "-a") {
            ++pos_;
            value = notExpr() && value;
        }
        return value;
    }
    bool notExpr() {
        if (more() && args_[pos_] == "!" && pos_ + 1 < args_.size()) {
            ++pos_;
            return !notExpr();
        }
        return primary();
    }
    std::optional<long long> integer(const std::string& text) {
        errno = 0;
        char* end = nullptr;
        const long long value = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || errno != 0) {
            ctx_.err += "sh: " + text + ": bad number\n";
            error_ = true;
            return std::nullopt;
        }
        return value;
    }
    bool primary() {
        if (!more()) {
            error_ = true;
            ctx_.err += "sh: test: argument expected\n";
            return false;
        }
        // A binary operator between two operands.
        if (pos_ + 2 < args_.size()) {
            const std::string& op = args_[pos_ + 1];
            const std::string& a = args_[pos_];
            const std::string& b = args_[pos_ + 2];
            if (op == "=" || op == "==" || op == "!=") {
                pos_ += 3;
                return (a == b) == (op != "!=");
            }
            if (op == "-eq" || op == "-ne" || op == "-gt" || op == "-ge" || op == "-lt" || op == "-le") {
                pos_ += 3;
                const auto x = integer(a);
                const auto y = integer(b);
                if (!x || !y) {
                    return false;
                }
                return op == "-eq"   ? *x == *y
                       : op == "-ne" ? *x != *y
                       : op == "-gt" ? *x > *y
                       : op == "-ge" ? *x >= *y
                       : op == "-lt" ? *x < *y
                                     : *x <= *y;
            }
        }
        const std::string& first = args_[pos_];
        if (first.size() == 2 && first[0] == '-' && pos_ + 1 < args_.size()) {
            const std::string& operand = args_[pos_ + 1];
            const char op = first[1];
            if (op == 'n' || op == 'z') {
                pos_ += 2;
                return operand.empty() == (op == 'z');
            }
            if (std::string_view("efdxrwsLhc").find(op) != std::string_view::npos) {
                pos_ += 2;
                const std::string path = ctx_.resolve(operand);
                const auto st = path.empty() ? std::nullopt : ctx_.state.fs.stat(path);
                const bool exists = st.has_value();
                const FsStat info = st.value_or(FsStat{});
                switch (op) {
                case 'e':
                case 'r':
                case 'w':
                    return exists;
                case 'f':
                    return exists && !info.directory;
                case 'd':
                    return exists && info.directory;
                case 'x':
                    return exists && (info.mode & 0111U) != 0;
                case 's':
                    return exists && info.size > 0;
                default:
                    return false; // no links or devices in the emulated filesystem
                }
            }
        }
        ++pos_;
        return !first.empty(); // one operand: true when not empty
    }

    CommandContext& ctx_;
    const std::vector<std::string>& args_;
    size_t pos_ = 0;
    bool error_ = false;
};

} // namespace

int cmdTest(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    if (argv[0] == "[") {
        if (args.empty() || args.back() != "]") {
            ctx.err += "sh: [: missing ]\n";
            return 2;
        }
        args.pop_back();
    }
    return TestExpression(ctx, args).evaluate();
}

} // namespace kansoku::honeypot::shell

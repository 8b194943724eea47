// Stream applets that loaders use to put bytes into files: tee and base64 (BusyBox's behaviour and
// messages), and which commands read standard input (for SSH exec channels carrying an upload).

#include <array>
#include <cstdint>

#include "honeypot/shell/commands.h"

namespace kansoku::honeypot::shell {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string_view baseNameOf(std::string_view path) {
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// RFC 4648 section 4 decoding as BusyBox's `base64 -d` does it: whitespace is skipped, decoding
/// stops at the first '=' or at a byte outside the alphabet (false: "invalid input").
bool decodeBase64(std::string_view text, std::string& out) {
    std::array<int8_t, 256> value{};
    value.fill(-1);
    for (size_t i = 0; i < kBase64Alphabet.size(); ++i) {
        value[static_cast<uint8_t>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
    }
    uint32_t bits = 0;
    int count = 0;
    for (const char c : text) {
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
            continue;
        }
        if (c == '=') {
            return true;
        }
        const int8_t v = value[static_cast<uint8_t>(c)];
        if (v < 0) {
            return false;
        }
        bits = (bits << 6U) | static_cast<uint32_t>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> static_cast<unsigned>(count)) & 0xffU);
        }
    }
    return true;
}

/// RFC 4648 section 4 encoding, lines of 76 characters like BusyBox.
std::string encodeBase64(std::string_view data) {
    std::string out;
    size_t column = 0;
    for (size_t i = 0; i < data.size(); i += 3) {
        uint32_t chunk = static_cast<uint32_t>(static_cast<uint8_t>(data[i])) << 16U;
        const size_t n = std::min<size_t>(3, data.size() - i);
        if (n > 1) {
            chunk |= static_cast<uint32_t>(static_cast<uint8_t>(data[i + 1])) << 8U;
        }
        if (n > 2) {
            chunk |= static_cast<uint8_t>(data[i + 2]);
        }
        for (size_t k = 0; k < 4; ++k) {
            out += k <= n ? kBase64Alphabet[(chunk >> (18 - 6 * k)) & 0x3fU] : '=';
            if (++column == 76) {
                out += '\n';
                column = 0;
            }
        }
    }
    if (column != 0 || out.empty()) {
        out += '\n';
    }
    return out;
}

/// Operands of a command, skipping options and the values of the options that take one.
std::vector<std::string_view> operandsOf(const std::vector<std::string>& argv, size_t first,
                                         std::string_view options_with_value) {
    std::vector<std::string_view> operands;
    for (size_t i = first; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "--") {
            for (++i; i < argv.size(); ++i) {
                operands.emplace_back(argv[i]);
            }
            break;
        }
        if (arg.size() > 1 && arg[0] == '-') {
            if (arg.size() == 2 && options_with_value.find(arg[1]) != std::string_view::npos) {
                ++i; // "-n 5"
            }
            continue;
        }
        operands.emplace_back(arg);
    }
    return operands;
}

} // namespace

int cmdTee(CommandContext& ctx, const std::vector<std::string>& argv) {
    bool append = false;
    std::vector<std::string> files;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-a") {
            append = true;
        } else if (argv[i].size() > 1 && argv[i][0] == '-') {
            continue; // -i and friends
        } else {
            files.push_back(argv[i]);
        }
    }
    int status = 0;
    for (const std::string& file : files) {
        const std::string path = ctx.resolve(file);
        const FsStatus written = path.empty() ? FsStatus::PathTooLong : ctx.writeFile(path, ctx.input, append);
        if (written != FsStatus::Ok) {
            ctx.error("tee", "can't open '" + file + "': " + std::string(fsStatusText(written)));
            status = 1;
        }
    }
    ctx.print(ctx.input);
    return status;
}

int cmdBase64(CommandContext& ctx, const std::vector<std::string>& argv) {
    bool decode = false;
    std::string file;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-d" || argv[i] == "--decode") {
            decode = true;
        } else if (argv[i].size() > 1 && argv[i][0] == '-') {
            continue; // -w COLS, -i: accepted
        } else {
            file = argv[i];
        }
    }
    std::string_view data = ctx.input;
    if (!file.empty() && file != "-") {
        const std::string path = ctx.resolve(file);
        const auto read = path.empty() ? std::nullopt : ctx.state.fs.read(path);
        if (!read) {
            ctx.error("base64", "can't open '" + file + "': No such file or directory");
            return 1;
        }
        data = *read;
    }
    if (!decode) {
        ctx.print(encodeBase64(data));
        return 0;
    }
    std::string decoded;
    const bool valid = decodeBase64(data, decoded);
    ctx.print(decoded);
    if (!valid) {
        ctx.error("base64", "invalid input");
        return 1;
    }
    return 0;
}

bool readsStandardInput(const std::vector<std::string>& argv) {
    size_t first = 0;
    while (first < argv.size() && (argv[first] == "nohup" || argv[first] == "exec" || argv[first] == "command" ||
                                   baseNameOf(argv[first]) == "busybox")) {
        ++first;
    }
    if (first >= argv.size()) {
        return false;
    }
    const std::string_view name = baseNameOf(argv[first]);
    if (name == "tee") {
        return true;
    }
    if (name == "dd") {
        for (size_t i = first + 1; i < argv.size(); ++i) {
            if (argv[i].starts_with("if=")) {
                return argv[i] == "if=/dev/stdin";
            }
        }
        return true;
    }
    if (name == "sh" || name == "ash") {
        for (size_t i = first + 1; i < argv.size(); ++i) {
            if (argv[i] == "-c") {
                return false;
            }
        }
    } else if (name != "cat" && name != "base64" && name != "head" && name != "tail") {
        return false;
    }
    const auto operands = operandsOf(argv, first + 1, name == "head" || name == "tail" ? "nc" : "w");
    for (const std::string_view operand : operands) {
        if (operand != "-") {
            return false;
        }
    }
    return true;
}

} // namespace kansoku::honeypot::shell

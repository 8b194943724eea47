// Stream applets that loaders use to put bytes into files: tee and base64 (BusyBox's behaviour and
// messages), and which commands read standard input (for SSH exec channels carrying an upload).

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>

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

/// The text a filter reads: the named file, or standard input for none or "-". False (and
/// BusyBox's message) when the file is missing.
bool inputText(CommandContext& ctx, const char* applet, const std::string& file, std::string_view& text) {
    if (file.empty() || file == "-") {
        text = ctx.input;
        return true;
    }
    const std::string path = ctx.resolve(file);
    const auto read = path.empty() ? std::nullopt : ctx.state.fs.read(path);
    if (!read) {
        ctx.error(applet, "can't open '" + file + "': No such file or directory");
        return false;
    }
    text = *read;
    return true;
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

/// awk's default field splitting (runs of blanks) or on one separator character (-F:).
std::vector<std::string_view> splitFields(std::string_view line, std::string_view separator) {
    std::vector<std::string_view> fields;
    if (separator.empty() || separator == " ") {
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
                ++i;
            }
            const size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
                ++i;
            }
            if (i > start) {
                fields.push_back(line.substr(start, i - start));
            }
        }
        return fields;
    }
    size_t start = 0;
    for (;;) {
        const size_t end = line.find(separator, start);
        fields.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) {
            return fields;
        }
        start = end + separator.size();
    }
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
    std::string_view data;
    if (!inputText(ctx, "base64", file, data)) {
        return 1;
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

int cmdTail(CommandContext& ctx, const std::vector<std::string>& argv) {
    // tail [-n N | -N | -c N] [FILE]: the last N lines (10) or bytes.
    size_t count = 10;
    bool bytes = false;
    std::string file;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if ((arg == "-n" || arg == "-c") && i + 1 < argv.size()) {
            bytes = arg == "-c";
            count = std::strtoul(argv[++i].c_str(), nullptr, 10);
        } else if (arg.size() > 1 && arg[0] == '-' && std::isdigit(static_cast<unsigned char>(arg[1])) != 0) {
            count = std::strtoul(arg.c_str() + 1, nullptr, 10);
        } else if (arg.size() > 2 && (arg.starts_with("-n") || arg.starts_with("-c"))) {
            bytes = arg[1] == 'c';
            count = std::strtoul(arg.c_str() + 2, nullptr, 10);
        } else {
            file = arg;
        }
    }
    std::string_view text;
    if (!inputText(ctx, "tail", file, text)) {
        return 1;
    }
    if (bytes) {
        ctx.print(text.substr(text.size() > count ? text.size() - count : 0));
        return 0;
    }
    const auto lines = splitLines(text);
    for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
        if (!ctx.print(lines[i]) || !ctx.print("\n")) {
            break;
        }
    }
    return 0;
}

int cmdSed(CommandContext& ctx, const std::vector<std::string>& argv) {
    // The forms loaders use: sed [-i] [-e] 's/OLD/NEW/[g]' [FILE] (OLD is literal text here; a
    // regular expression with special characters is matched as written).
    bool in_place = false;
    std::string script;
    std::string file;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-i") {
            in_place = true;
        } else if (argv[i] == "-e" && i + 1 < argv.size()) {
            script = argv[++i];
        } else if (argv[i].size() > 1 && argv[i][0] == '-') {
            continue;
        } else if (script.empty()) {
            script = argv[i];
        } else {
            file = argv[i];
        }
    }
    if (script.size() < 4 || script[0] != 's') {
        ctx.error("sed", "unsupported command " + script.substr(0, 1));
        return 1;
    }
    const char delimiter = script[1];
    const size_t middle = script.find(delimiter, 2);
    const size_t end = middle == std::string::npos ? std::string::npos : script.find(delimiter, middle + 1);
    if (end == std::string::npos) {
        ctx.error("sed", "unmatched '" + std::string(1, delimiter) + "'");
        return 1;
    }
    const std::string from = script.substr(2, middle - 2);
    const std::string to = script.substr(middle + 1, end - middle - 1);
    const bool global = script.find('g', end + 1) != std::string::npos;
    std::string_view text;
    if (!inputText(ctx, "sed", file, text)) {
        return 1;
    }
    std::string out;
    for (const std::string_view line : splitLines(text)) {
        std::string edited(line);
        size_t pos = 0;
        while (!from.empty() && (pos = edited.find(from, pos)) != std::string::npos) {
            edited.replace(pos, from.size(), to);
            pos += to.size();
            if (!global) {
                break;
            }
        }
        out += edited;
        out += '\n';
    }
    if (in_place && !file.empty()) {
        const std::string path = ctx.resolve(file);
        const FsStatus written = path.empty() ? FsStatus::PathTooLong : ctx.writeFile(path, out, false);
        return written == FsStatus::Ok ? 0 : 1;
    }
    ctx.print(out);
    return 0;
}

int cmdAwk(CommandContext& ctx, const std::vector<std::string>& argv) {
    // The forms loaders use: awk [-F SEP] '{print $N[, $M ...]}' [FILE], also '{print}' and '{print $NF}'.
    std::string separator;
    std::string program;
    std::string file;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "-F" && i + 1 < argv.size()) {
            separator = argv[++i];
        } else if (arg.starts_with("-F")) {
            separator = arg.substr(2);
        } else if (program.empty()) {
            program = arg;
        } else {
            file = arg;
        }
    }
    const size_t open = program.find("print");
    if (program.find('{') == std::string::npos || open == std::string::npos) {
        ctx.error("awk", "cmd. line:1: unsupported program");
        return 1;
    }
    std::vector<std::string> fields; // "$3", "$NF", "$0", or literal text
    std::string_view rest = std::string_view(program).substr(open + 5);
    rest = rest.substr(0, rest.find('}'));
    for (const std::string_view part : splitFields(rest, ",")) {
        std::string_view field = part;
        while (!field.empty() && field.front() == ' ') {
            field.remove_prefix(1);
        }
        while (!field.empty() && (field.back() == ' ' || field.back() == ';')) {
            field.remove_suffix(1);
        }
        if (!field.empty()) {
            fields.emplace_back(field);
        }
    }
    std::string_view text;
    if (!inputText(ctx, "awk", file, text)) {
        return 1;
    }
    for (const std::string_view line : splitLines(text)) {
        const auto columns = splitFields(line, separator);
        std::string out;
        for (size_t k = 0; k < fields.size() || (k == 0 && fields.empty()); ++k) {
            const std::string_view field = fields.empty() ? "$0" : std::string_view(fields[k]);
            std::string_view value;
            if (field == "$0") {
                value = line;
            } else if (field == "$NF") {
                value = columns.empty() ? std::string_view() : columns.back();
            } else if (field.size() > 1 && field[0] == '$') {
                const size_t n = std::strtoul(std::string(field.substr(1)).c_str(), nullptr, 10);
                value = n >= 1 && n <= columns.size() ? columns[n - 1] : std::string_view();
            } else if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
                value = field.substr(1, field.size() - 2);
            }
            out += k > 0 ? " " : "";
            out += value;
        }
        if (!ctx.print(out) || !ctx.print("\n")) {
            break;
        }
    }
    return 0;
}

int cmdKill(CommandContext& ctx, const std::vector<std::string>& argv) {
    int status = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
        if (argv[i].starts_with("-")) {
            continue; // -9, -KILL, -s KILL's first half
        }
        const int pid = std::atoi(argv[i].c_str());
        auto& started = ctx.state.started;
        const auto it = std::find_if(started.begin(), started.end(), [pid](const auto& p) { return p.first == pid; });
        if (it != started.end()) {
            started.erase(it);
        } else if (!ctx.persona().hasProcess(pid)) {
            ctx.error("kill", "can't kill pid " + argv[i] + ": No such process");
            status = 1;
        }
    }
    return status;
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

// File applets over the session's VirtualFs, with BusyBox's messages.

#include <algorithm>
#include <cstdlib>

#include "honeypot/shell/commands.h"

namespace kansoku::honeypot::shell {
namespace {

/// Single-letter flags and operands ("-rf x y" -> flags "rf", operands x y); "--" ends the flags.
struct Arguments {
    std::string flags;
    std::vector<std::string> operands;
    bool has(char flag) const { return flags.find(flag) != std::string::npos; }
};

Arguments splitArguments(const std::vector<std::string>& argv) {
    Arguments args;
    bool options = true;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (options && arg == "--") {
            options = false;
        } else if (options && arg.size() > 1 && arg[0] == '-') {
            args.flags += arg.substr(1);
        } else {
            args.operands.push_back(arg);
        }
    }
    return args;
}

std::string baseName(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    const size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// Parses "777", "+x", "u+x", "a+rwx", "755,u-w" etc. relative to `mode`; false when invalid.
bool parseMode(std::string_view text, uint32_t mode, uint32_t& out) {
    if (!text.empty() && text.find_first_not_of("01234567") == std::string_view::npos) {
        if (text.size() > 4) {
            return false;
        }
        out = static_cast<uint32_t>(std::strtoul(std::string(text).c_str(), nullptr, 8));
        return true;
    }
    size_t i = 0;
    while (i < text.size()) {
        uint32_t who = 0;
        for (; i < text.size() && std::string_view("ugoa").find(text[i]) != std::string_view::npos; ++i) {
            who |= text[i] == 'u' ? 04700U : text[i] == 'g' ? 02070U : text[i] == 'o' ? 01007U : 07777U;
        }
        if (who == 0) {
            who = 07777;
        }
        if (i >= text.size() || std::string_view("+-=").find(text[i]) == std::string_view::npos) {
            return false;
        }
        const char op = text[i++];
        uint32_t bits = 0;
        for (; i < text.size() && text[i] != ','; ++i) {
            switch (text[i]) {
            case 'r':
                bits |= 0444;
                break;
            case 'w':
                bits |= 0222;
                break;
            case 'x':
                bits |= 0111;
                break;
            case 's':
                bits |= 06000;
                break;
            case 't':
                bits |= 01000;
                break;
            default:
                return false;
            }
        }
        bits &= who;
        mode = op == '+' ? mode | bits : op == '-' ? mode & ~bits : (mode & ~who) | bits;
        if (i < text.size()) {
            ++i; // ','
        }
    }
    out = mode;
    return true;
}

std::string modeString(const FsStat& st) {
    std::string s = st.directory ? "d" : "-";
    for (int shift = 6; shift >= 0; shift -= 3) {
        const uint32_t bits = st.mode >> shift;
        s += (bits & 4U) != 0 ? 'r' : '-';
        s += (bits & 2U) != 0 ? 'w' : '-';
        s += (bits & 1U) != 0 ? 'x' : '-';
    }
    if ((st.mode & 01000U) != 0) {
        s[9] = (st.mode & 1U) != 0 ? 't' : 'T';
    }
    return s;
}

} // namespace

int cmdCat(CommandContext& ctx, const std::vector<std::string>& argv) {
    const Arguments args = splitArguments(argv);
    if (args.operands.empty()) {
        ctx.print(ctx.input);
        return 0;
    }
    int status = 0;
    for (const std::string& operand : args.operands) {
        if (operand == "-") {
            ctx.print(ctx.input);
            continue;
        }
        const std::string path = ctx.resolve(operand);
        const auto st = path.empty() ? std::nullopt : ctx.state.fs.stat(path);
        if (!st) {
            ctx.error("cat", "can't open '" + operand + "': No such file or directory");
            status = 1;
        } else if (st->directory) {
            ctx.error("cat", "read error: Is a directory");
            status = 1;
        } else if (!ctx.print(*ctx.state.fs.read(path))) {
            break;
        }
    }
    return status;
}

namespace {

int copyOrMove(CommandContext& ctx, const std::vector<std::string>& argv, bool move) {
    const char* name = move ? "mv" : "cp";
    const Arguments args = splitArguments(argv);
    if (args.operands.size() < 2) {
        ctx.err += std::string("BusyBox: ") + name + ": missing file operand\n";
        return 1;
    }
    const std::string dest_arg = args.operands.back();
    const std::string dest = ctx.resolve(dest_arg);
    const auto dest_st = dest.empty() ? std::nullopt : ctx.state.fs.stat(dest);
    const bool into_dir = dest_st && dest_st->directory;
    if (args.operands.size() > 2 && !into_dir) {
        ctx.error(name, "'" + dest_arg + "' is not a directory");
        return 1;
    }
    int status = 0;
    for (size_t i = 0; i + 1 < args.operands.size(); ++i) {
        const std::string& src_arg = args.operands[i];
        const std::string src = ctx.resolve(src_arg);
        const auto src_st = src.empty() ? std::nullopt : ctx.state.fs.stat(src);
        if (!src_st) {
            ctx.error(name, "can't stat '" + src_arg + "': No such file or directory");
            status = 1;
            continue;
        }
        if (src_st->directory) {
            ctx.error(name, "omitting directory '" + src_arg + "'");
            status = 1;
            continue;
        }
        const std::string target = into_dir ? ctx.resolve(dest_arg + "/" + baseName(src)) : dest;
        if (target.empty() || target == src) {
            continue;
        }
        const std::string data(*ctx.state.fs.read(src)); // a copy: the write may move the source
        const FsStatus written = ctx.writeFile(target, data, false);
        if (written != FsStatus::Ok) {
            ctx.error(name, "can't create '" + target + "': " + std::string(fsStatusText(written)));
            status = 1;
            continue;
        }
        if (move) {
            ctx.countStatus(ctx.removePath(src, false));
        }
        ctx.state.fs.setMode(target, src_st->mode);
    }
    return status;
}

} // namespace

int cmdCp(CommandContext& ctx, const std::vector<std::string>& argv) {
    return copyOrMove(ctx, argv, false);
}

int cmdMv(CommandContext& ctx, const std::vector<std::string>& argv) {
    return copyOrMove(ctx, argv, true);
}

int cmdRm(CommandContext& ctx, const std::vector<std::string>& argv) {
    const Arguments args = splitArguments(argv);
    const bool force = args.has('f');
    const bool recursive = args.has('r') || args.has('R');
    int status = 0;
    for (const std::string& operand : args.operands) {
        const std::string path = ctx.resolve(operand);
        const FsStatus removed = path.empty() ? FsStatus::PathTooLong : ctx.removePath(path, recursive);
        ctx.countStatus(removed);
        if (removed == FsStatus::NotFound && force) {
            continue;
        }
        if (removed != FsStatus::Ok) {
            ctx.error("rm", "can't remove '" + operand + "': " + std::string(fsStatusText(removed)));
            status = 1;
        }
    }
    if (args.operands.empty() && !force) {
        ctx.err += "BusyBox: rm: missing operand\n";
        return 1;
    }
    return status;
}

int cmdChmod(CommandContext& ctx, const std::vector<std::string>& argv) {
    // The mode may itself start with '-' ("-x"), so no generic flag parsing here.
    size_t i = 1;
    while (i < argv.size() && (argv[i] == "-R" || argv[i] == "-f" || argv[i] == "-v" || argv[i] == "-c")) {
        ++i;
    }
    if (i + 1 >= argv.size()) {
        ctx.err += "BusyBox: chmod: missing operand\n";
        return 1;
    }
    const std::string& mode_text = argv[i];
    int status = 0;
    for (size_t k = i + 1; k < argv.size(); ++k) {
        const std::string path = ctx.resolve(argv[k]);
        const auto st = path.empty() ? std::nullopt : ctx.state.fs.stat(path);
        if (!st) {
            ctx.error("chmod", argv[k] + ": No such file or directory");
            status = 1;
            continue;
        }
        uint32_t mode = 0;
        if (!parseMode(mode_text, st->mode, mode)) {
            ctx.error("chmod", "invalid mode '" + mode_text + "'");
            return 1;
        }
        ctx.countStatus(ctx.state.fs.setMode(path, mode));
    }
    return status;
}

int cmdMkdir(CommandContext& ctx, const std::vector<std::string>& argv) {
    const Arguments args = splitArguments(argv);
    const bool parents = args.has('p');
    int status = 0;
    for (const std::string& operand : args.operands) {
        const std::string path = ctx.resolve(operand);
        if (path.empty()) {
            ctx.error("mkdir", "can't create directory '" + operand + "': File name too long");
            status = 1;
            continue;
        }
        FsStatus made = FsStatus::Ok;
        if (parents) {
            for (size_t pos = path.find('/', 1); made == FsStatus::Ok || made == FsStatus::Exists;
                 pos = path.find('/', pos + 1)) {
                made = ctx.state.fs.makeDirectory(pos == std::string::npos ? path : path.substr(0, pos));
                if (pos == std::string::npos) {
                    break;
                }
            }
            if (made == FsStatus::Exists && ctx.state.fs.stat(path)->directory) {
                made = FsStatus::Ok;
            }
        } else {
            made = ctx.state.fs.makeDirectory(path);
        }
        ctx.countStatus(made);
        if (made != FsStatus::Ok) {
            ctx.error("mkdir", "can't create directory '" + operand + "': " + std::string(fsStatusText(made)));
            status = 1;
        }
    }
    return status;
}

int cmdTouch(CommandContext& ctx, const std::vector<std::string>& argv) {
    const Arguments args = splitArguments(argv);
    int status = 0;
    for (const std::string& operand : args.operands) {
        const std::string path = ctx.resolve(operand);
        if (!path.empty() && ctx.state.fs.stat(path)) {
            continue;
        }
        const FsStatus made = path.empty() ? FsStatus::PathTooLong : ctx.state.fs.write(path, "", true);
        ctx.countStatus(made);
        if (made != FsStatus::Ok) {
            ctx.error("touch", operand + ": " + std::string(fsStatusText(made)));
            status = 1;
        }
    }
    return status;
}

int cmdLs(CommandContext& ctx, const std::vector<std::string>& argv) {
    Arguments args = splitArguments(argv);
    const bool long_format = args.has('l');
    const bool all = args.has('a');
    if (args.operands.empty()) {
        args.operands.emplace_back(".");
    }
    int status = 0;
    const auto line = [&](const std::string& name, const FsStat& st) {
        if (!long_format) {
            return ctx.print(name + "\n");
        }
        char size[32];
        std::snprintf(size, sizeof size, "%8zu", st.size);
        return ctx.print(modeString(st) + "    1 " + ctx.persona().user + "     " + ctx.persona().user + "  " + size +
                         " Jan  1 00:00 " + name + "\n");
    };
    for (const std::string& operand : args.operands) {
        const std::string path = ctx.resolve(operand);
        const auto st = path.empty() ? std::nullopt : ctx.state.fs.stat(path);
        if (!st) {
            ctx.error("ls", operand + ": No such file or directory");
            status = 1;
            continue;
        }
        if (!st->directory) {
            if (!line(operand, *st)) {
                break;
            }
            continue;
        }
        if (args.operands.size() > 1 && !ctx.print(operand + ":\n")) {
            break;
        }
        for (const std::string& name : ctx.state.fs.list(path)) {
            if (!all && name[0] == '.') {
                continue;
            }
            const std::string child = path == "/" ? "/" + name : path + "/" + name;
            if (const auto child_st = ctx.state.fs.stat(child); child_st && !line(name, *child_st)) {
                return status;
            }
        }
    }
    return status;
}

namespace {

/// Calls `fn(line)` for each line (without its '\n') of the named files or of standard input.
template <typename Fn>
int forEachLine(CommandContext& ctx, const char* applet, const std::vector<std::string>& files, Fn fn) {
    std::vector<std::string_view> texts;
    int status = 0;
    if (files.empty()) {
        texts.push_back(ctx.input);
    }
    for (const std::string& file : files) {
        const std::string path = ctx.resolve(file);
        const auto data = path.empty() ? std::nullopt : ctx.state.fs.read(path);
        if (!data) {
            ctx.error(applet, file + ": No such file or directory");
            status = 2;
            continue;
        }
        texts.push_back(*data);
    }
    for (const std::string_view text : texts) {
        size_t start = 0;
        while (start < text.size()) {
            const size_t end = std::min(text.find('\n', start), text.size());
            if (!fn(text.substr(start, end - start))) {
                return status;
            }
            start = end + 1;
        }
    }
    return status;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

} // namespace

int cmdGrep(CommandContext& ctx, const std::vector<std::string>& argv) {
    Arguments args = splitArguments(argv);
    if (args.operands.empty()) {
        ctx.err += "BusyBox: grep: missing pattern\n";
        return 2;
    }
    const bool invert = args.has('v');
    const bool ignore_case = args.has('i');
    const bool count = args.has('c');
    const bool quiet = args.has('q');
    const std::string pattern = ignore_case ? lower(args.operands[0]) : args.operands[0];
    args.operands.erase(args.operands.begin());
    size_t matches = 0;
    const int status = forEachLine(ctx, "grep", args.operands, [&](std::string_view line) {
        const bool found = (ignore_case ? lower(line).find(pattern) : line.find(pattern)) != std::string::npos;
        if (found != invert) {
            ++matches;
            if (!count && !quiet && (!ctx.print(line) || !ctx.print("\n"))) {
                return false;
            }
        }
        return true;
    });
    if (count) {
        ctx.out += std::to_string(matches) + "\n";
    }
    return status != 0 ? status : matches > 0 ? 0 : 1;
}

int cmdHead(CommandContext& ctx, const std::vector<std::string>& argv) {
    long lines = 10;
    std::vector<std::string> files;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "-n" && i + 1 < argv.size()) {
            lines = std::strtol(argv[++i].c_str(), nullptr, 10);
        } else if (arg.size() > 1 && arg[0] == '-' && std::isdigit(static_cast<unsigned char>(arg[1])) != 0) {
            lines = std::strtol(arg.c_str() + 1, nullptr, 10);
        } else if (arg.rfind("-n", 0) == 0 && arg.size() > 2) {
            lines = std::strtol(arg.c_str() + 2, nullptr, 10);
        } else {
            files.push_back(arg);
        }
    }
    long printed = 0;
    return forEachLine(ctx, "head", files, [&](std::string_view line) {
        if (printed >= lines) {
            return false;
        }
        if (!ctx.print(line) || !ctx.print("\n")) {
            return false;
        }
        return ++printed < lines;
    });
}

int cmdDd(CommandContext& ctx, const std::vector<std::string>& argv) {
    std::string in_file;
    std::string out_file;
    uint64_t block = 512;
    uint64_t count = UINT64_MAX;
    uint64_t skip = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        const size_t eq = arg.find('=');
        if (eq == std::string::npos) {
            ctx.error("dd", "invalid argument '" + arg + "'");
            return 1;
        }
        const std::string key = arg.substr(0, eq);
        const std::string value = arg.substr(eq + 1);
        const uint64_t number = std::strtoull(value.c_str(), nullptr, 10);
        if (key == "if") {
            in_file = value;
        } else if (key == "of") {
            out_file = value;
        } else if (key == "bs") {
            block = std::max<uint64_t>(number, 1);
        } else if (key == "count") {
            count = number;
        } else if (key == "skip") {
            skip = number;
        }
    }
    std::string_view data = ctx.input;
    if (!in_file.empty()) {
        const std::string path = ctx.resolve(in_file);
        const auto read = path.empty() ? std::nullopt : ctx.state.fs.read(path);
        if (!read) {
            ctx.error("dd", "can't open '" + in_file + "': No such file or directory");
            return 1;
        }
        data = *read;
    }
    const uint64_t offset = skip > data.size() / block ? data.size() : skip * block;
    data = data.substr(offset);
    if (count != UINT64_MAX && count <= data.size() / block) {
        data = data.substr(0, count * block);
    }
    const std::string copied(data);
    const uint64_t full = copied.size() / block;
    const uint64_t partial = copied.size() % block != 0 ? 1 : 0;
    if (out_file.empty()) {
        ctx.print(copied);
    } else {
        const std::string path = ctx.resolve(out_file);
        const FsStatus written = path.empty() ? FsStatus::PathTooLong : ctx.writeFile(path, copied, false);
        if (written != FsStatus::Ok) {
            ctx.error("dd", "can't open '" + out_file + "': " + std::string(fsStatusText(written)));
            return 1;
        }
    }
    const std::string records = std::to_string(full) + "+" + std::to_string(partial) + " records ";
    ctx.err += records + "in\n" + records + "out\n";
    return 0;
}

} // namespace kansoku::honeypot::shell

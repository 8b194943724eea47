// ash builtins and the BusyBox applets that only print what the persona says.

#include <fmt/format.h>

#include "honeypot/shell/commands.h"
#include "honeypot/shell/escapes.h"

namespace kansoku::honeypot::shell {

int cmdEcho(CommandContext& ctx, const std::vector<std::string>& argv) {
    bool newline = true;
    bool escapes = false;
    size_t i = 1;
    // BusyBox: leading words made only of n, e, E after a '-' are options ("-ne", "-en", "-e").
    for (; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg.size() < 2 || arg[0] != '-' || arg.find_first_not_of("neE", 1) != std::string::npos) {
            break;
        }
        for (size_t k = 1; k < arg.size(); ++k) {
            if (arg[k] == 'n') {
                newline = false;
            } else {
                escapes = arg[k] == 'e';
            }
        }
    }
    for (size_t first = i; i < argv.size(); ++i) {
        if (i > first) {
            ctx.out += ' ';
        }
        if (!escapes) {
            ctx.out += argv[i];
        } else if (!appendEchoEscapes(argv[i], ctx.out)) {
            return 0; // \c: no more output, no newline
        }
    }
    if (newline) {
        ctx.out += '\n';
    }
    return 0;
}

int cmdPrintf(CommandContext& ctx, const std::vector<std::string>& argv) {
    if (argv.size() < 2) {
        ctx.err += "printf: usage: printf FORMAT [ARGUMENT]...\n";
        return 1;
    }
    ctx.out += formatPrintf(argv[1], argv.data() + 2, argv.size() - 2, ctx.state.limits.fs.max_file_bytes);
    return 0;
}

int cmdCd(CommandContext& ctx, const std::vector<std::string>& argv) {
    const std::string target = argv.size() > 1 ? argv[1] : ctx.persona().home;
    const std::string path = ctx.resolve(target);
    const auto st = path.empty() ? std::nullopt : ctx.state.fs.stat(path);
    if (!st || !st->directory) {
        ctx.err += ctx.persona().shell_name + ": cd: can't cd to " + target + "\n";
        return 2;
    }
    ctx.state.cwd = path;
    return 0;
}

int cmdPwd(CommandContext& ctx, const std::vector<std::string>&) {
    ctx.out += ctx.state.cwd + "\n";
    return 0;
}

int cmdTrue(CommandContext&, const std::vector<std::string>&) {
    return 0;
}

int cmdFalse(CommandContext&, const std::vector<std::string>&) {
    return 1;
}

int cmdExit(CommandContext& ctx, const std::vector<std::string>& argv) {
    ctx.result.exit_requested = true;
    return argv.size() > 1 ? std::atoi(argv[1].c_str()) & 0xff : ctx.state.last_status;
}

int cmdUname(CommandContext& ctx, const std::vector<std::string>& argv) {
    const UnameInfo& u = ctx.persona().uname;
    // BusyBox order: -s -n -r -v -m -p -i -o; -a prints all but unknown -p/-i.
    bool want[8] = {};
    bool all = false;
    for (size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "--help" || arg.size() < 2 || arg[0] != '-') {
            ctx.err += "uname: invalid option -- '" + arg + "'\n";
            return 1;
        }
        for (size_t k = 1; k < arg.size(); ++k) {
            const size_t index = std::string_view("snrvmpio").find(arg[k]);
            if (arg[k] == 'a') {
                all = true;
            } else if (index != std::string_view::npos) {
                want[index] = true;
            } else {
                ctx.err += std::string("uname: invalid option -- '") + arg[k] + "'\n";
                return 1;
            }
        }
    }
    const std::string fields[8] = {
        u.sysname, ctx.persona().hostname, u.release, u.version, u.machine, "unknown", "unknown", u.os};
    bool any = all;
    for (const bool w : want) {
        any = any || w;
    }
    if (!any) {
        want[0] = true;
    }
    std::string line;
    for (size_t i = 0; i < 8; ++i) {
        if (want[i] || (all && i != 5 && i != 6)) {
            if (!line.empty()) {
                line += ' ';
            }
            line += fields[i];
        }
    }
    ctx.out += line + "\n";
    return 0;
}

int cmdPs(CommandContext& ctx, const std::vector<std::string>&) {
    ctx.out += ctx.persona().ps;
    for (const auto& [pid, command] : ctx.state.started) {
        // BusyBox ps's columns: PID, USER, VSZ, STAT, COMMAND.
        ctx.out += fmt::format("{:>5} {:<8} {:>5} S    {}\n", pid, ctx.persona().user, 1024, command);
    }
    return 0;
}

int cmdId(CommandContext& ctx, const std::vector<std::string>&) {
    ctx.out += ctx.persona().user == "root"
                   ? "uid=0(root) gid=0(root)\n"
                   : "uid=1000(" + ctx.persona().user + ") gid=1000(" + ctx.persona().user + ")\n";
    return 0;
}

int cmdWhoami(CommandContext& ctx, const std::vector<std::string>&) {
    ctx.out += ctx.persona().user + "\n";
    return 0;
}

int cmdHostname(CommandContext& ctx, const std::vector<std::string>&) {
    ctx.out += ctx.persona().hostname + "\n";
    return 0;
}

} // namespace kansoku::honeypot::shell

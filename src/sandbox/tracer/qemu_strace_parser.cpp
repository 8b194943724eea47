#include "sandbox/tracer/qemu_strace_parser.h"

#include <array>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

namespace kansoku::sandbox {

namespace {

struct Named {
    std::string_view name;
    long value;
};

// qemu prints the guest's constants by name (linux-user/strace.c), so host values can be used.
constexpr std::array<Named, 9> kDomains = {{{"PF_UNIX", AF_UNIX},
                                            {"PF_LOCAL", AF_UNIX},
                                            {"PF_INET", AF_INET},
                                            {"PF_INET6", AF_INET6},
                                            {"PF_PACKET", AF_PACKET},
                                            {"PF_NETLINK", AF_NETLINK},
                                            {"AF_INET", AF_INET},
                                            {"AF_INET6", AF_INET6},
                                            {"AF_PACKET", AF_PACKET}}};
constexpr std::array<Named, 5> kTypes = {{{"SOCK_STREAM", SOCK_STREAM},
                                          {"SOCK_DGRAM", SOCK_DGRAM},
                                          {"SOCK_RAW", SOCK_RAW},
                                          {"SOCK_SEQPACKET", SOCK_SEQPACKET},
                                          {"SOCK_PACKET", SOCK_PACKET}}};
constexpr std::array<Named, 6> kProtocols = {{{"IPPROTO_IP", 0},
                                              {"IPPROTO_ICMP", 1},
                                              {"IPPROTO_TCP", 6},
                                              {"IPPROTO_UDP", 17},
                                              {"IPPROTO_ICMPV6", 58},
                                              {"IPPROTO_RAW", 255}}};
constexpr std::array<Named, 10> kOpenFlags = {{{"O_RDONLY", O_RDONLY},
                                               {"O_WRONLY", O_WRONLY},
                                               {"O_RDWR", O_RDWR},
                                               {"O_CREAT", O_CREAT},
                                               {"O_EXCL", O_EXCL},
                                               {"O_TRUNC", O_TRUNC},
                                               {"O_APPEND", O_APPEND},
                                               {"O_NONBLOCK", O_NONBLOCK},
                                               {"O_CLOEXEC", O_CLOEXEC},
                                               {"O_DIRECTORY", O_DIRECTORY}}};
constexpr std::array<Named, 20> kSignals = {
    {{"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},   {"SIGTRAP", SIGTRAP},
     {"SIGABRT", SIGABRT}, {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},   {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},
     {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2}, {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
     {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP}, {"SIGTSTP", SIGTSTP}, {"SIGSYS", SIGSYS}}};

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

/// A decimal, hex (0x) or octal (leading 0) integer, optionally negative; the whole text must match.
std::optional<long> parseNumber(std::string_view text) {
    text = trim(text);
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        text.remove_prefix(1);
    }
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    const auto signed_value = static_cast<long>(value);
    return negative ? -signed_value : signed_value;
}

template <std::size_t N>
std::optional<long> named(const std::array<Named, N>& table, std::string_view text) {
    text = trim(text);
    for (const Named& entry : table) {
        if (entry.name == text) {
            return entry.value;
        }
    }
    return parseNumber(text);
}

/// "O_WRONLY|O_CREAT|0x80000" -> bits.
long openFlags(std::string_view text) {
    long flags = 0;
    while (!text.empty()) {
        const auto bar = text.find('|');
        flags |= named(kOpenFlags, text.substr(0, bar)).value_or(0);
        if (bar == std::string_view::npos) {
            break;
        }
        text.remove_prefix(bar + 1);
    }
    return flags;
}

/// Top-level comma split: commas inside "strings", {structs} or (calls) do not split.
std::vector<std::string_view> splitArgs(std::string_view args) {
    std::vector<std::string_view> out;
    int depth = 0;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < args.size() && out.size() < 16; ++i) {
        const char c = args[i];
        if (quoted) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == '{' || c == '(' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
            --depth;
        } else if (c == ',' && depth == 0) {
            out.push_back(trim(args.substr(start, i - start)));
            start = i + 1;
        }
    }
    if (start <= args.size()) {
        out.push_back(trim(args.substr(start)));
    }
    return out;
}

/// The text of a quoted argument ("..." possibly followed by qemu's "..." truncation mark).
std::optional<std::string> quoted(std::string_view arg) {
    arg = trim(arg);
    if (arg.size() < 2 || arg.front() != '"') {
        return std::nullopt;
    }
    const auto close = arg.find('"', 1);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    return std::string(arg.substr(1, close - 1));
}

/// {"a","b",NULL} -> [a, b].
std::vector<std::string> quotedList(std::string_view arg, std::size_t max_items) {
    std::vector<std::string> out;
    arg = trim(arg);
    if (arg.size() < 2 || arg.front() != '{') {
        return out;
    }
    arg = arg.substr(1, arg.rfind('}') == std::string_view::npos ? arg.size() - 1 : arg.rfind('}') - 1);
    for (const std::string_view item : splitArgs(arg)) {
        if (out.size() >= max_items) {
            break;
        }
        if (auto text = quoted(item)) {
            out.push_back(std::move(*text));
        }
    }
    return out;
}

struct TextSockAddr {
    int family = -1;
    std::string address;
    int port = -1;
};

/// {sin_family=AF_INET,sin_port=htons(53),sin_addr=inet_addr("192.0.2.53")}; nothing for a bare pointer.
std::optional<TextSockAddr> sockaddrText(std::string_view arg) {
    arg = trim(arg);
    if (arg.empty() || arg.front() != '{') {
        return std::nullopt;
    }
    TextSockAddr out;
    if (const auto family = arg.find("family="); family != std::string_view::npos) {
        std::string_view rest = arg.substr(family + 7);
        rest = rest.substr(0, rest.find_first_of(",}"));
        out.family = static_cast<int>(named(kDomains, rest).value_or(-1));
    }
    if (const auto port = arg.find("htons("); port != std::string_view::npos) {
        std::string_view rest = arg.substr(port + 6);
        out.port = static_cast<int>(parseNumber(rest.substr(0, rest.find(')'))).value_or(-1));
    }
    if (const auto addr = arg.find("inet_addr(\""); addr != std::string_view::npos) {
        std::string_view rest = arg.substr(addr + 11);
        out.address = std::string(rest.substr(0, rest.find('"')));
    }
    return out;
}

} // namespace

QemuStraceParser::QemuStraceParser(ObservationLimits limits) : recorder_("qemu-strace", limits) {}

void QemuStraceParser::feed(std::string_view text) {
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const std::string_view piece = text.substr(0, newline);
        if (partial_.size() + piece.size() > kMaxLineBytes) {
            partial_.append(piece.substr(0, kMaxLineBytes - partial_.size()));
            partial_overflow_ = true;
        } else {
            partial_.append(piece);
        }
        if (newline == std::string_view::npos) {
            return;
        }
        if (partial_overflow_) {
            ++recorder_.counters().strings_truncated;
        }
        feedLine(partial_);
        partial_.clear();
        partial_overflow_ = false;
        text.remove_prefix(newline + 1);
    }
}

Observation QemuStraceParser::finish() {
    if (!partial_.empty()) {
        feedLine(partial_);
        partial_.clear();
    }
    return recorder_.take();
}

void QemuStraceParser::feedLine(std::string_view line) {
    if (line.size() > kMaxLineBytes) {
        ++recorder_.counters().strings_truncated;
        line = line.substr(0, kMaxLineBytes);
    }
    line = trim(line);
    if (line.empty() || line.front() == '=') {
        return; // blank, or a thread's " = 0" continuation: its call was already recorded
    }
    std::size_t digits = 0;
    while (digits < line.size() && digits < 10 && line[digits] >= '0' && line[digits] <= '9') {
        ++digits;
    }
    const auto pid = parseNumber(line.substr(0, digits));
    if (digits == 0 || !pid || *pid <= 0 || *pid > 0x3fffffff || digits >= line.size() || line[digits] != ' ') {
        ++recorder_.counters().lines_malformed;
        return;
    }
    std::string_view rest = trim(line.substr(digits + 1));
    if (rest.substr(0, 3) == "---" || rest.substr(0, 3) == "+++" || rest.substr(0, 15) == "Unknown syscall") {
        return; // signal delivery notes and syscalls qemu cannot name
    }
    const auto open = rest.find('(');
    if (open == std::string_view::npos || open == 0 || open > 64) {
        ++recorder_.counters().lines_malformed;
        return;
    }
    const std::string_view name = rest.substr(0, open);
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z');
        if (!ok) {
            ++recorder_.counters().lines_malformed;
            return;
        }
    }
    std::string_view after = rest.substr(open + 1);
    bool has_result = false;
    long result = 0;
    std::string_view args;
    if (const auto close = after.rfind(") = "); close != std::string_view::npos) {
        args = after.substr(0, close);
        std::string_view value = after.substr(close + 4);
        const auto space = value.find(' ');
        const auto number = parseNumber(value.substr(0, space));
        if (!number) {
            ++recorder_.counters().lines_malformed;
            return;
        }
        has_result = true;
        result = *number;
        if (const auto errno_at = value.find("errno="); *number == -1 && errno_at != std::string_view::npos) {
            std::string_view code = value.substr(errno_at + 6);
            result = -parseNumber(code.substr(0, code.find(' '))).value_or(1);
        }
    } else if (!after.empty() && after.back() == ')') {
        args = after.substr(0, after.size() - 1);
    } else {
        ++recorder_.counters().lines_malformed; // cut off mid-call
        return;
    }
    ++recorder_.counters().syscalls;
    const int id = static_cast<int>(*pid);
    if (!have_root_) {
        have_root_ = true;
        recorder_.processStarted(id, 0, "root");
    } else if (!recorder_.knowsProcess(id)) {
        recorder_.processStarted(id, 0, "unknown");
    }
    handleCall(id, name, args, has_result, result);
}

void QemuStraceParser::handleCall(int pid, std::string_view name, std::string_view args, bool has_result, long result) {
    const std::vector<std::string_view> a = splitArgs(args);
    auto arg = [&](std::size_t i) { return i < a.size() ? a[i] : std::string_view(); };
    auto file = [&](std::string op, std::string_view path_arg, std::uint64_t flags, std::string_view mode_arg) {
        FileActivity activity;
        activity.pid = pid;
        activity.op = std::move(op);
        activity.path = quoted(path_arg).value_or(std::string(path_arg.substr(0, 64)));
        activity.flags = flags;
        activity.mode = static_cast<std::uint32_t>(parseNumber(mode_arg).value_or(0));
        activity.result = result;
        return recorder_.file(std::move(activity));
    };
    auto open_file = [&](std::string_view path_arg, std::string_view flags_arg, std::string_view mode_arg) {
        const long flags = openFlags(flags_arg);
        const std::string path = quoted(path_arg).value_or(std::string());
        const bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0;
        if (!writes && !ObservationRecorder::isWatchdog(path) && !ObservationRecorder::persistenceKind(path)) {
            return;
        }
        const char* op = (flags & O_CREAT) != 0 ? "create" : writes ? "write" : "open";
        const std::size_t index =
            file(op, path_arg, static_cast<std::uint64_t>(flags), (flags & O_CREAT) != 0 ? mode_arg : "0");
        if (fds_.size() >= recorder_.limits().max_processes && fds_.count(pid) == 0) {
            return;
        }
        auto& table = fds_[pid];
        if (has_result && result >= 0 && table.size() < 1024) {
            table[result] = index;
        }
    };
    auto network = [&](std::string op) {
        NetworkActivity activity;
        activity.pid = pid;
        activity.op = std::move(op);
        activity.result = result;
        return activity;
    };
    auto process_origin = [](std::string_view flags) {
        return flags.find("CLONE_THREAD") != std::string_view::npos  ? "thread"
               : flags.find("CLONE_VFORK") != std::string_view::npos ? "vfork"
                                                                     : "fork";
    };

    if (name == "execve" || name == "execveat") {
        const std::size_t first = name == "execve" ? 0 : 1;
        const std::string path = quoted(arg(first)).value_or(std::string());
        std::vector<std::string> argv = quotedList(arg(first + 1), recorder_.limits().max_argv + 1);
        recorder_.exec(pid, path, std::move(argv), has_result && result < 0 ? result : 0);
    } else if (name == "open") {
        open_file(arg(0), arg(1), arg(2));
    } else if (name == "openat") {
        open_file(arg(1), arg(2), arg(3));
    } else if (name == "creat") {
        open_file(arg(0), "O_WRONLY|O_CREAT|O_TRUNC", arg(1));
    } else if (name == "unlink" || name == "rmdir") {
        file(std::string(name), arg(0), 0, "0");
    } else if (name == "unlinkat") {
        const bool dir =
            arg(2).find("AT_REMOVEDIR") != std::string_view::npos || parseNumber(arg(2)).value_or(0) == 0x200;
        file(dir ? "rmdir" : "unlink", arg(1), 0, "0");
    } else if (name == "rename" || name == "renameat" || name == "renameat2") {
        FileActivity activity;
        activity.pid = pid;
        activity.op = "rename";
        activity.path = quoted(arg(name == "rename" ? 0 : 1)).value_or(std::string());
        activity.target = quoted(arg(name == "rename" ? 1 : 3)).value_or(std::string());
        activity.result = result;
        recorder_.file(std::move(activity));
    } else if (name == "chmod" || name == "mkdir") {
        file(std::string(name), arg(0), 0, arg(1));
    } else if (name == "fchmodat" || name == "mkdirat") {
        file(name == "fchmodat" ? "chmod" : "mkdir", arg(1), 0, arg(2));
    } else if (name == "write" || name == "writev" || name == "pwrite64") {
        const auto table = fds_.find(pid);
        if (has_result && result > 0 && table != fds_.end()) {
            if (const auto fd = parseNumber(arg(0)); fd) {
                if (const auto it = table->second.find(*fd); it != table->second.end()) {
                    recorder_.addBytesWritten(it->second, static_cast<std::uint64_t>(result));
                }
            }
        }
    } else if (name == "close") {
        if (const auto fd = parseNumber(arg(0)); fd && fds_.count(pid) != 0) {
            fds_[pid].erase(*fd);
        }
    } else if (name == "ioctl") {
        // The fd's path is not in the log; opens of the watchdog device are already recorded.
    } else if (name == "socket") {
        NetworkActivity activity = network("socket");
        activity.domain = static_cast<int>(named(kDomains, arg(0)).value_or(-1));
        const std::string_view type_text = arg(1).substr(0, arg(1).find('|'));
        activity.type = static_cast<int>(named(kTypes, type_text).value_or(-1));
        activity.protocol = static_cast<int>(named(kProtocols, arg(2)).value_or(-1));
        activity.raw = activity.type == SOCK_RAW || activity.domain == AF_PACKET;
        recorder_.network(std::move(activity));
    } else if (name == "connect" || name == "bind") {
        NetworkActivity activity = network(std::string(name));
        if (const auto addr = sockaddrText(arg(1))) {
            activity.domain = addr->family;
            activity.address = addr->address;
            activity.port = addr->port;
        }
        recorder_.network(std::move(activity));
    } else if (name == "listen") {
        recorder_.network(network("listen"));
    } else if (name == "sendto") {
        if (const auto addr = sockaddrText(arg(4)); addr && !addr->address.empty()) {
            recorder_.sent(addr->address, addr->port, static_cast<std::uint64_t>(parseNumber(arg(2)).value_or(0)));
        }
    } else if (name == "kill" || name == "tkill") {
        recorder_.signal(pid, name, static_cast<int>(parseNumber(arg(0)).value_or(0)),
                         static_cast<int>(named(kSignals, arg(1)).value_or(0)), result);
    } else if (name == "tgkill") {
        recorder_.signal(pid, name, static_cast<int>(parseNumber(arg(0)).value_or(0)),
                         static_cast<int>(named(kSignals, arg(2)).value_or(0)), result);
    } else if (name == "prctl") {
        // PR_SET_NAME (15): qemu prints the name only as an address.
        if ((arg(0) == "15" || arg(0) == "PR_SET_NAME") && (!has_result || result == 0)) {
            recorder_.renamed(pid, "prctl", "", quoted(arg(1)).value_or(std::string()));
        }
    } else if (name == "clone" || name == "fork" || name == "vfork") {
        if (has_result && result > 0 && result <= 0x3fffffff) {
            const char* origin = name == "clone" ? process_origin(arg(0)) : name == "vfork" ? "vfork" : "fork";
            recorder_.processStarted(static_cast<int>(result), pid, origin);
            if (std::string_view(origin) != "thread" && fds_.count(pid) != 0 &&
                fds_.size() < recorder_.limits().max_processes) {
                const auto table = fds_[pid];
                fds_[static_cast<int>(result)] = table;
            }
        }
    } else if (name == "exit_group" || name == "exit") {
        if (const auto code = parseNumber(arg(0))) {
            recorder_.processExited(pid, static_cast<int>(*code & 0xff), std::nullopt);
        }
    }
}

Observation parseQemuStrace(std::string_view text, ObservationLimits limits) {
    QemuStraceParser parser(limits);
    parser.feed(text);
    return parser.finish();
}

} // namespace kansoku::sandbox

#include "honeypot/shell/commands.h"

#include <algorithm>
#include <array>

namespace kansoku::honeypot::shell {
namespace {

// Sorted by name (findCommand searches it). `sh`, `busybox` and running a path are the
// interpreter's own (shell.cpp).
constexpr std::array kCommands = {
    CommandEntry{":", cmdTrue, true},
    CommandEntry{"[", cmdTest, true},
    CommandEntry{"awk", cmdAwk, false},
    CommandEntry{"base64", cmdBase64, false},
    CommandEntry{"cat", cmdCat, false},
    CommandEntry{"cd", cmdCd, true},
    CommandEntry{"chmod", cmdChmod, false},
    CommandEntry{"cp", cmdCp, false},
    CommandEntry{"curl", cmdCurl, false},
    CommandEntry{"dd", cmdDd, false},
    CommandEntry{"echo", cmdEcho, true},
    CommandEntry{"exit", cmdExit, true},
    CommandEntry{"false", cmdFalse, true},
    CommandEntry{"ftpget", cmdFtpget, false},
    CommandEntry{"grep", cmdGrep, false},
    CommandEntry{"head", cmdHead, false},
    CommandEntry{"hostname", cmdHostname, false},
    CommandEntry{"id", cmdId, false},
    CommandEntry{"kill", cmdKill, true},
    CommandEntry{"logout", cmdExit, true},
    CommandEntry{"ls", cmdLs, false},
    CommandEntry{"mkdir", cmdMkdir, false},
    CommandEntry{"mv", cmdMv, false},
    CommandEntry{"printf", cmdPrintf, true},
    CommandEntry{"ps", cmdPs, false},
    CommandEntry{"pwd", cmdPwd, true},
    CommandEntry{"rm", cmdRm, false},
    CommandEntry{"sed", cmdSed, false},
    CommandEntry{"tail", cmdTail, false},
    CommandEntry{"tee", cmdTee, false},
    CommandEntry{"test", cmdTest, true},
    CommandEntry{"tftp", cmdTftp, false},
    CommandEntry{"touch", cmdTouch, false},
    CommandEntry{"true", cmdTrue, true},
    CommandEntry{"uname", cmdUname, false},
    CommandEntry{"wget", cmdWget, false},
    CommandEntry{"whoami", cmdWhoami, false},
};

} // namespace

std::string_view shellLimitName(ShellLimit limit) {
    switch (limit) {
    case ShellLimit::LineBytes:
        return "line_bytes";
    case ShellLimit::Words:
        return "words";
    case ShellLimit::Commands:
        return "commands";
    case ShellLimit::ScriptDepth:
        return "script_depth";
    case ShellLimit::OutputBytes:
        return "output_bytes";
    case ShellLimit::PathLength:
        return "path_length";
    case ShellLimit::Files:
        return "files";
    case ShellLimit::FileBytes:
        return "file_bytes";
    case ShellLimit::TotalBytes:
        return "total_bytes";
    case ShellLimit::Variables:
        return "variables";
    case ShellLimit::Globs:
        return "globs";
    case ShellLimit::HereDocs:
        return "heredocs";
    case ShellLimit::Expansion:
        return "expansion";
    case ShellLimit::Count_:
        break;
    }
    return "unknown";
}

uint64_t LimitCounts::total() const {
    uint64_t sum = 0;
    for (const uint64_t n : counts) {
        sum += n;
    }
    return sum;
}

void LimitCounts::merge(const LimitCounts& other) {
    for (size_t i = 0; i < counts.size(); ++i) {
        counts[i] += other.counts[i];
    }
}

SessionState::SessionState(std::shared_ptr<const Persona> persona_in, const ShellLimits& limits_in)
    : persona(std::move(persona_in)), limits(limits_in), fs(persona, limits_in.fs), cwd(persona->home) {}

std::string CommandContext::resolve(std::string_view path) {
    auto resolved = state.fs.resolve(state.cwd, path);
    if (!resolved) {
        result.limits.add(ShellLimit::PathLength);
        return {};
    }
    return std::move(*resolved);
}

void CommandContext::countStatus(FsStatus status) {
    switch (status) {
    case FsStatus::PathTooLong:
        result.limits.add(ShellLimit::PathLength);
        break;
    case FsStatus::TooManyFiles:
        result.limits.add(ShellLimit::Files);
        break;
    case FsStatus::FileTooLarge:
        result.limits.add(ShellLimit::FileBytes);
        break;
    case FsStatus::NoSpace:
        result.limits.add(ShellLimit::TotalBytes);
        break;
    default:
        break;
    }
}

FsStatus CommandContext::writeFile(const std::string& path, std::string_view data, bool append) {
    const FsStatus status = state.fs.write(path, data, append);
    countStatus(status);
    if (status == FsStatus::Ok || status == FsStatus::FileTooLarge || status == FsStatus::NoSpace) {
        written_paths.insert(path);
        if (stdin_paths != nullptr) {
            stdin_paths->insert(path);
        }
    }
    return status;
}

FsStatus CommandContext::removePath(const std::string& path, bool recursive) {
    // Paths under `path` sort after it and share its prefix (not contiguously: "/a-b" < "/a/x").
    for (auto it = written_paths.lower_bound(path); it != written_paths.end() && it->starts_with(path);) {
        const bool inside = it->size() == path.size() || path == "/" || (*it)[path.size()] == '/';
        if (!inside) {
            ++it;
            continue;
        }
        if (const auto data = state.fs.read(*it); data && !data->empty()) {
            result.files_written.push_back(FileWrite{*it, std::string(*data)});
        }
        it = written_paths.erase(it);
    }
    return state.fs.remove(path, recursive);
}

void CommandContext::error(std::string_view applet, std::string_view text) {
    err.append(applet);
    err.append(": ");
    err.append(text);
    err += '\n';
}

bool CommandContext::print(std::string_view bytes) {
    const size_t cap = state.limits.fs.max_file_bytes + 1;
    const size_t room = cap > out.size() ? cap - out.size() : 0;
    if (bytes.size() <= room) {
        out.append(bytes);
        return true;
    }
    result.limits.add(ShellLimit::OutputBytes);
    out.append(bytes.substr(0, room));
    return false;
}

const CommandEntry* findCommand(std::string_view name) {
    const auto it = std::lower_bound(kCommands.begin(), kCommands.end(), name,
                                     [](const CommandEntry& entry, std::string_view key) { return entry.name < key; });
    return it != kCommands.end() && it->name == name ? &*it : nullptr;
}

} // namespace kansoku::honeypot::shell

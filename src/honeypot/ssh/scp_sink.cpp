#include "honeypot/ssh/scp_sink.h"

#include <algorithm>

namespace kansoku::honeypot::ssh {
namespace {

std::vector<std::string_view> splitWords(std::string_view text) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
            ++i;
        }
        const size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
            ++i;
        }
        if (i > start) {
            words.push_back(text.substr(start, i - start));
        }
    }
    return words;
}

/// Four octal digits and a space (OpenSSH: "bad mode", "mode not delimited").
bool parseMode(std::string_view& text, uint32_t& mode) {
    mode = 0;
    if (text.size() < 5) {
        return false;
    }
    for (size_t i = 0; i < 4; ++i) {
        if (text[i] < '0' || text[i] > '7') {
            return false;
        }
        mode = mode * 8 + static_cast<uint32_t>(text[i] - '0');
    }
    if (text[4] != ' ') {
        return false;
    }
    text.remove_prefix(5);
    return true;
}

/// Decimal digits and a space; false when absent, not delimited or beyond 2^63 (off_t).
bool parseSize(std::string_view& text, uint64_t& size) {
    size = 0;
    size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        const auto digit = static_cast<uint64_t>(text[i] - '0');
        if (size > (INT64_MAX - digit) / 10) {
            return false;
        }
        size = size * 10 + digit;
    }
    if (i == 0 || i >= text.size() || text[i] != ' ') {
        return false;
    }
    text.remove_prefix(i + 1);
    return true;
}

} // namespace

std::optional<ScpRequest> parseScpCommand(std::string_view command) {
    const auto words = splitWords(command);
    if (words.empty()) {
        return std::nullopt;
    }
    const std::string_view program = words[0];
    if (program != "scp" && !program.ends_with("/scp")) {
        return std::nullopt;
    }
    ScpRequest request;
    bool sink = false;
    size_t i = 1;
    for (; i < words.size(); ++i) {
        const std::string_view word = words[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (word.size() < 2 || word[0] != '-') {
            break;
        }
        for (const char flag : word.substr(1)) {
            switch (flag) {
            case 't':
                sink = true;
                break;
            case 'r':
                request.recursive = true;
                break;
            case 'p':
                request.preserve = true;
                break;
            case 'd':
                request.target_is_dir = true;
                break;
            case 'v':
            case 'q':
            case 'E':
                break;
            default:
                return std::nullopt; // -f (source mode) and anything we do not know
            }
        }
    }
    if (!sink || i + 1 != words.size()) {
        return std::nullopt; // exactly one target (a path with spaces arrives quoted: not emulated)
    }
    request.target = std::string(words[i]);
    return request;
}

ScpSink::ScpSink(ScpRequest request, shell::VirtualFs& fs, std::string cwd, size_t max_file_bytes, StoreFn store)
    : request_(std::move(request)), fs_(&fs), cwd_(std::move(cwd)), max_file_bytes_(max_file_bytes),
      store_(std::move(store)) {}

std::string ScpSink::start() {
    std::string reply;
    if (request_.target_is_dir) {
        const auto target = fs_->resolve(cwd_, request_.target);
        const auto st = target ? fs_->stat(*target) : std::nullopt;
        if (!st || !st->directory) {
            fatal(request_.target + ": Not a directory", reply);
            return reply;
        }
    }
    reply.push_back('\0');
    return reply;
}

bool ScpSink::fatal(std::string_view message, std::string& reply) {
    ++counters_.protocol_errors;
    error(message, reply);
    state_ = State::Done;
    return false;
}

void ScpSink::error(std::string_view message, std::string& reply) {
    errors_ = true;
    reply.push_back('\x01');
    reply.append("scp: ");
    reply.append(message);
    reply.push_back('\n');
}

bool ScpSink::feed(std::string_view data, std::string& reply) {
    while (!data.empty() && state_ != State::Done) {
        switch (state_) {
        case State::Line: {
            const size_t newline = data.find('\n');
            const size_t take = newline == std::string_view::npos ? data.size() : newline;
            if (line_.size() + take > kMaxLine) {
                return fatal("protocol error: control record too long", reply);
            }
            line_.append(data.substr(0, take));
            if (newline == std::string_view::npos) {
                return true;
            }
            data.remove_prefix(newline + 1);
            const std::string line = std::move(line_);
            line_.clear();
            if (!controlLine(line, reply)) {
                return false;
            }
            break;
        }
        case State::Data: {
            const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
            file_.append(data.substr(0, take));
            remaining_ -= take;
            data.remove_prefix(take);
            if (remaining_ == 0) {
                state_ = State::DataEnd;
            }
            break;
        }
        case State::DataEnd:
            if (data[0] == '\0') {
                data.remove_prefix(1);
                fileDone(reply);
            } else {
                // The source could not read its file: its error line follows; nothing is kept.
                ++counters_.refused;
                file_.clear();
                state_ = State::Line;
            }
            break;
        case State::Done:
            break;
        }
    }
    return state_ != State::Done;
}

bool ScpSink::controlLine(std::string_view line, std::string& reply) {
    const char kind = line.empty() ? '\0' : line[0];
    if (kind == '\x01' || kind == '\x02') {
        errors_ = true; // the source's warning (it goes on) or fatal error (it stops)
        if (kind == '\x02') {
            state_ = State::Done;
            return false;
        }
        return true;
    }
    if (kind == 'E') {
        reply.push_back('\0');
        if (directories_.empty()) {
            state_ = State::Done; // the end of the top level: the sink returns
            return false;
        }
        directories_.pop_back();
        return true;
    }
    if (kind == 'T') {
        // "T<mtime> 0 <atime> 0": times are not kept (the in-memory filesystem has none).
        if (line.size() < 2 || line[1] < '0' || line[1] > '9') {
            return fatal("protocol error: mtime.sec not delimited", reply);
        }
        reply.push_back('\0');
        return true;
    }
    if (kind != 'C' && kind != 'D') {
        return fatal("protocol error: expected control record", reply);
    }
    std::string_view rest = line.substr(1);
    uint32_t mode = 0;
    uint64_t size = 0;
    if (!parseMode(rest, mode)) {
        return fatal("protocol error: bad mode", reply);
    }
    if (!parseSize(rest, size)) {
        return fatal("protocol error: size not delimited", reply);
    }
    if (rest.empty() || rest.find('/') != std::string_view::npos || rest == "." || rest == "..") {
        return fatal("error: unexpected filename: " + std::string(rest), reply);
    }
    if (kind == 'D') {
        if (!request_.recursive) {
            return fatal("received directory without -r", reply);
        }
        if (directories_.size() >= kMaxDepth) {
            return fatal(std::string(rest) + ": directory nesting too deep", reply);
        }
        const std::string path = destination(rest, true, reply);
        if (path.empty()) {
            ++counters_.protocol_errors; // answered by destination(); a sink ends here (OpenSSH)
            state_ = State::Done;
            return false;
        }
        ++counters_.directories;
        directories_.push_back(path);
        reply.push_back('\0');
        return true;
    }
    file_path_ = destination(rest, false, reply);
    if (file_path_.empty()) {
        ++counters_.refused;
        return true; // answered with the error: the source skips this file
    }
    if (size > max_file_bytes_) {
        ++counters_.refused;
        error(std::string(rest) + ": " + std::string(shell::fsStatusText(shell::FsStatus::FileTooLarge)), reply);
        return true;
    }
    file_mode_ = mode;
    file_.clear();
    remaining_ = size;
    state_ = size == 0 ? State::DataEnd : State::Data;
    reply.push_back('\0');
    return true;
}

std::string ScpSink::destination(std::string_view name, bool directory, std::string& reply) {
    const std::string base = directories_.empty() ? request_.target : directories_.back();
    const auto resolved = fs_->resolve(cwd_, base);
    if (!resolved) {
        error(std::string(name) + ": " + std::string(shell::fsStatusText(shell::FsStatus::PathTooLong)), reply);
        return {};
    }
    const auto st = fs_->stat(*resolved);
    const bool into = !directories_.empty() || (st && st->directory);
    std::string path = *resolved;
    if (into) {
        const auto joined = fs_->resolve(*resolved, name);
        if (!joined) {
            error(std::string(name) + ": " + std::string(shell::fsStatusText(shell::FsStatus::PathTooLong)), reply);
            return {};
        }
        path = *joined;
    }
    if (!directory) {
        return path;
    }
    const auto existing = fs_->stat(path);
    if (existing) {
        if (!existing->directory) {
            error(path + ": Not a directory", reply);
            return {};
        }
        return path;
    }
    const shell::FsStatus made = fs_->makeDirectory(path);
    if (made != shell::FsStatus::Ok) {
        error(path + ": " + std::string(shell::fsStatusText(made)), reply);
        return {};
    }
    return path;
}

void ScpSink::fileDone(std::string& reply) {
    state_ = State::Line;
    const shell::FsStatus status = store_(file_path_, file_, file_mode_);
    file_.clear();
    file_.shrink_to_fit();
    if (status != shell::FsStatus::Ok) {
        ++counters_.refused;
        error(file_path_ + ": " + std::string(shell::fsStatusText(status)), reply);
        return;
    }
    ++counters_.files;
    reply.push_back('\0');
}

void ScpSink::finish() {
    if (state_ == State::Data || state_ == State::DataEnd || (state_ == State::Line && !line_.empty())) {
        ++counters_.incomplete;
        errors_ = true;
    }
    state_ = State::Done;
    file_.clear();
}

} // namespace kansoku::honeypot::ssh

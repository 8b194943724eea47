#include "honeypot/session/shell_session.h"

#include <utility>

#include "honeypot/session/honeypot_events.h"

namespace kansoku::honeypot {

ShellSession::ShellSession(Collector& collector, SessionContext context, std::shared_ptr<const shell::Persona> persona,
                           shell::ShellLimits limits, UploadLimits upload_limits)
    : collector_(&collector), context_(std::move(context)), shell_(std::move(persona), limits),
      uploads_(upload_limits) {}

void ShellSession::connected() {
    collector_->emit(makeConnectEvent(context_));
}

void ShellSession::loginAttempt(std::string_view username, std::string_view password, bool success,
                                std::string_view method) {
    ++login_attempts_;
    collector_->emit(makeLoginEvent(context_, username, password, success, method, login_attempts_));
}

std::string ShellSession::welcome() const {
    // What BusyBox's ash prints at the start of a login shell: its banner with "built-in shell
    // (ash)" in place of "multi-call binary.", then the help hint.
    std::string text = "\n\n";
    std::string_view banner = shell_.persona().busybox_banner;
    constexpr std::string_view kMultiCall = " multi-call binary.";
    if (banner.ends_with(kMultiCall)) {
        banner.remove_suffix(kMultiCall.size());
    }
    if (!banner.empty()) {
        text.append(banner).append(" built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n");
    }
    text += shell_.prompt();
    return text;
}

void ShellSession::enableFetchWait(std::chrono::milliseconds wait, std::function<void()> wake) {
    if (!collector_->canFetch() || wait <= std::chrono::milliseconds::zero() || !wake) {
        return;
    }
    fetch_wait_ = wait;
    wake_ = std::move(wake);
    anchor_ = std::make_shared<FetchAnchor>(FetchAnchor{this});
}

ShellSession::LineResult ShellSession::runLine(std::string_view line, bool truncated, bool interactive,
                                               std::optional<std::string_view> stdin_data) {
    if (!wake_) {
        // No waiting: one run; downloads complete in the background.
        shell::ShellResult result = stdin_data ? shell_.run(line, *stdin_data) : shell_.run(line);
        return finishLine(line, truncated, interactive, std::move(result));
    }
    pending_line_ = std::make_unique<PendingLine>(
        PendingLine{std::string(line), truncated, interactive,
                    stdin_data ? std::optional<std::string>(*stdin_data) : std::nullopt, shell_.saveState()});
    return runPass();
}

ShellSession::LineResult ShellSession::runPass() {
    PendingLine& p = *pending_line_;
    shell_.setWaitForDownloads(p.rounds < kMaxFetchRounds);
    shell::ShellResult result = p.stdin_data ? shell_.run(p.line, *p.stdin_data) : shell_.run(p.line);
    if (result.blocked && !result.downloads.empty()) {
        // Back to before the line; fetch the URL it stopped at; run it again when the bytes are here.
        ++p.rounds;
        ++fetch_waits_;
        shell_.restoreState(p.saved);
        const shell::DownloadRequest& request = result.downloads.back();
        shell_.setFetched(request.url, {});
        p.deadline = std::chrono::steady_clock::now() + fetch_wait_;
        collector_->fetch(context_, request.url, request.tool, request.output_path,
                          [anchor = std::weak_ptr<FetchAnchor>(anchor_), url = request.url](const auto& outcome) {
                              if (const auto live = anchor.lock()) {
                                  live->session->fetchEnded(url, outcome);
                              }
                          });
        LineResult waiting;
        waiting.waiting = true;
        return waiting;
    }
    shell_.setWaitForDownloads(false);
    shell_.fetched().clear();
    const std::unique_ptr<PendingLine> done = std::move(pending_line_);
    return finishLine(done->line, done->truncated, done->interactive, std::move(result));
}

void ShellSession::fetchEnded(const std::string& url, const Collector::FetchResult& outcome) {
    auto& fetched = shell_.fetched();
    const auto it = fetched.find(url);
    if (it == fetched.end() || it->second.state != shell::SessionState::Fetched::State::Pending) {
        return; // given up already, or a line that has finished
    }
    using State = shell::SessionState::Fetched::State;
    it->second.state = outcome.ok ? State::Ok : State::Failed;
    it->second.http_status = outcome.http_status;
    // Bounded like any file of the session: the write into its filesystem cuts and counts the rest.
    it->second.bytes.assign(outcome.bytes.substr(0, shell_.filesystem().limits().max_file_bytes + 1));
    if (pending_line_) {
        wake_();
    }
}

std::chrono::steady_clock::time_point ShellSession::waitDeadline() const {
    return pending_line_ ? pending_line_->deadline : std::chrono::steady_clock::time_point::max();
}

std::optional<ShellSession::LineResult> ShellSession::resumeLine(std::chrono::steady_clock::time_point now) {
    if (!pending_line_) {
        return std::nullopt;
    }
    using State = shell::SessionState::Fetched::State;
    bool open = false;
    for (const auto& [url, fetched] : shell_.fetched()) {
        open = open || fetched.state == State::Pending;
    }
    if (open && now < pending_line_->deadline) {
        return std::nullopt;
    }
    for (auto& [url, fetched] : shell_.fetched()) {
        if (fetched.state == State::Pending) {
            fetched.state = State::TimedOut;
            ++fetch_timeouts_;
        }
    }
    return runPass();
}

ShellSession::LineResult ShellSession::finishLine(std::string_view line, bool truncated, bool interactive,
                                                  shell::ShellResult result) {
    ++commands_;
    collector_->emit(makeCommandEvent(context_, line, truncated, interactive, result));
    for (const auto& request : result.downloads) {
        if (!request.known) {
            collector_->download(context_, request.url, request.tool, request.output_path);
        }
    }
    for (auto& write : result.files_written) {
        noteWrite(std::move(write));
    }
    for (const auto& execution : result.executions) {
        collector_->executed(context_, execution.path, execution.argv);
        report(execution.path);
    }
    // What came over stdin is complete once the line has run (the channel's input had ended).
    for (auto it = pending_.begin(); it != pending_.end();) {
        const auto next = std::next(it);
        if (it->second.from_stdin) {
            report(it->first);
        }
        it = next;
    }
    LineResult out{std::move(result.output), result.exit_requested, result.status};
    if (interactive && !out.close) {
        out.output += result.continuation ? std::string("> ") : shell_.prompt(); // PS2 inside a here-document
    }
    return out;
}

void ShellSession::noteWrite(shell::FileWrite write) {
    auto it = pending_.find(write.path);
    if (it != pending_.end()) {
        pending_bytes_ -= it->second.content.size();
        it->second.content = std::move(write.content);
        it->second.from_stdin = it->second.from_stdin || write.from_stdin;
        pending_bytes_ += it->second.content.size();
    } else {
        pending_bytes_ += write.content.size();
        pending_.emplace(std::move(write.path), Pending{std::move(write.content), write.from_stdin});
    }
    // Deleted files stay pending (self-deleting loaders), so bound what is held: report files
    // early, in path order, until the rest fits the shell's own filesystem budget.
    const size_t budget = shell_.filesystem().limits().max_total_bytes;
    while (pending_bytes_ > budget && !pending_.empty()) {
        report(pending_.begin()->first);
    }
}

void ShellSession::report(const std::string& path) {
    auto it = pending_.find(path);
    if (it == pending_.end()) {
        return;
    }
    if (!it->second.content.empty()) {
        if (it->second.from_stdin) {
            reportUpload(it->first, it->second.content);
        } else {
            collector_->fileWritten(context_, it->first, it->second.content);
        }
    }
    pending_bytes_ -= it->second.content.size();
    pending_.erase(it);
}

void ShellSession::reportUpload(const std::string& path, std::string_view content) {
    if (uploads_.admit(content.size()) != UploadBudget::Verdict::Ok) {
        return; // counted; the file stays in the session's filesystem as the shell wrote it
    }
    uploads_.spend(content.size());
    collector_->uploaded(context_, path, content, "stdin");
}

shell::FsStatus ShellSession::upload(const std::string& path, std::string_view content, uint32_t mode,
                                     std::string_view via) {
    switch (uploads_.admit(content.size())) {
    case UploadBudget::Verdict::Ok:
        break;
    case UploadBudget::Verdict::FileTooLarge:
        return shell::FsStatus::FileTooLarge;
    case UploadBudget::Verdict::TooManyFiles:
        return shell::FsStatus::TooManyFiles;
    case UploadBudget::Verdict::NoSpace:
        return shell::FsStatus::NoSpace;
    }
    shell::VirtualFs& fs = shell_.mutableFilesystem();
    if (const auto st = fs.stat(path); st && st->directory) {
        return shell::FsStatus::IsDirectory;
    }
    const shell::FsStatus written = shell_.provideFile(path, content);
    if (written != shell::FsStatus::Ok) {
        return written; // a limit of the filesystem (counted by the shell) or a missing directory
    }
    fs.setMode(path, mode & 07777U);
    if (!content.empty()) {
        uploads_.spend(content.size());
        collector_->uploaded(context_, path, content, via);
    }
    return shell::FsStatus::Ok;
}

void ShellSession::close() {
    if (pending_line_) {
        // The session ends while a line waits: it runs without its fetch, so its command is recorded.
        pending_line_->rounds = kMaxFetchRounds;
        resumeLine(std::chrono::steady_clock::time_point::max());
    }
    anchor_.reset();
    while (!pending_.empty()) {
        report(pending_.begin()->first);
    }
}

} // namespace kansoku::honeypot

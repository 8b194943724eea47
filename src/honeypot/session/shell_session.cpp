#include "honeypot/session/shell_session.h"

#include <utility>

#include "honeypot/session/honeypot_events.h"

namespace kansoku::honeypot {

ShellSession::ShellSession(Collector& collector, SessionContext context, std::shared_ptr<const shell::Persona> persona,
                           shell::ShellLimits limits)
    : collector_(&collector), context_(std::move(context)), shell_(std::move(persona), limits) {}

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

ShellSession::LineResult ShellSession::runLine(std::string_view line, bool truncated, bool interactive) {
    ++commands_;
    shell::ShellResult result = shell_.run(line);
    collector_->emit(makeCommandEvent(context_, line, truncated, interactive, result));
    for (const auto& request : result.downloads) {
        collector_->download(context_, request.url, request.tool, request.output_path);
    }
    for (auto& write : result.files_written) {
        noteWrite(std::move(write));
    }
    for (const auto& execution : result.executions) {
        collector_->executed(context_, execution.path, execution.argv);
        report(execution.path);
    }
    LineResult out{std::move(result.output), result.exit_requested, result.status};
    if (interactive && !out.close) {
        out.output += shell_.prompt();
    }
    return out;
}

void ShellSession::noteWrite(shell::FileWrite write) {
    auto it = pending_.find(write.path);
    if (it != pending_.end()) {
        pending_bytes_ -= it->second.size();
        it->second = std::move(write.content);
        pending_bytes_ += it->second.size();
    } else {
        pending_bytes_ += write.content.size();
        pending_.emplace(std::move(write.path), std::move(write.content));
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
    if (!it->second.empty()) {
        collector_->fileWritten(context_, it->first, it->second);
    }
    pending_bytes_ -= it->second.size();
    pending_.erase(it);
}

void ShellSession::close() {
    while (!pending_.empty()) {
        report(pending_.begin()->first);
    }
}

} // namespace kansoku::honeypot

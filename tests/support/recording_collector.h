#pragma once

// A Collector that keeps what sessions report, for tests. Thread-safe: tests read it while a
// server thread writes (read with the accessors, which return copies).

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/event_tap.h"
#include "honeypot/session/collector.h"

namespace kansoku::honeypot::testing {

class RecordingCollector final : public Collector {
public:
    struct Download {
        std::string session;
        std::string url;
        std::string tool;
        std::string output_path;
    };
    struct File {
        std::string session;
        std::string path;
        std::string content;
        std::string via; ///< uploads: "scp", "sftp", "stdin"; "" for a file written in the shell
    };
    struct Execution {
        std::string session;
        std::string path;
        std::vector<std::string> argv;
    };

    void emit(Event event) override {
        tapEvent(event); // checked against its schema after the tests (common/event_tap.h)
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    void download(const SessionContext& session, std::string_view url, std::string_view tool,
                  std::string_view output_path) override {
        std::lock_guard lock(mutex_);
        downloads_.push_back({session.id, std::string(url), std::string(tool), std::string(output_path)});
        stages_.push_back(std::string(tool) + " " + std::string(url));
    }
    /// Fetching like a downloader (canFetch() true once serve() was called): fetch() records the
    /// download and holds `done` until completeFetches() delivers served bytes (others fail).
    void serve(std::string url, std::string bytes, uint16_t http_status = 0) {
        std::lock_guard lock(mutex_);
        served_[std::move(url)] = {std::move(bytes), http_status};
    }
    bool canFetch() const override {
        std::lock_guard lock(mutex_);
        return !served_.empty();
    }
    void fetch(const SessionContext& session, std::string_view url, std::string_view tool, std::string_view output_path,
               FetchDone done) override {
        download(session, url, tool, output_path);
        std::lock_guard lock(mutex_);
        fetches_.emplace_back(std::string(url), std::move(done));
    }
    /// Ends every fetch asked for so far; returns how many.
    size_t completeFetches() {
        std::vector<std::pair<std::string, FetchDone>> now;
        std::map<std::string, std::pair<std::string, uint16_t>> served;
        {
            std::lock_guard lock(mutex_);
            now.swap(fetches_);
            served = served_;
        }
        for (auto& [url, done] : now) {
            const auto it = served.find(url);
            const bool ok = it != served.end() && it->second.second == 0;
            if (done) {
                done(FetchResult{ok, ok ? std::string_view(it->second.first) : std::string_view(),
                                 it != served.end() ? it->second.second : uint16_t{0}});
            }
        }
        return now.size();
    }
    size_t pendingFetches() const {
        std::lock_guard lock(mutex_);
        return fetches_.size();
    }

    void fileWritten(const SessionContext& session, std::string_view path, std::string_view content) override {
        std::lock_guard lock(mutex_);
        files_.push_back({session.id, std::string(path), std::string(content), {}});
        stages_.push_back("file " + std::string(path));
    }
    void uploaded(const SessionContext& session, std::string_view path, std::string_view content,
                  std::string_view via) override {
        std::lock_guard lock(mutex_);
        files_.push_back({session.id, std::string(path), std::string(content), std::string(via)});
        stages_.push_back(std::string(via) + " " + std::string(path));
    }
    void executed(const SessionContext& session, std::string_view path, const std::vector<std::string>& argv) override {
        std::lock_guard lock(mutex_);
        executions_.push_back({session.id, std::string(path), argv});
    }

    std::vector<Event> ofType(std::string_view type) const {
        std::lock_guard lock(mutex_);
        std::vector<Event> out;
        for (const auto& event : events_) {
            if (event.type == type) {
                out.push_back(event);
            }
        }
        return out;
    }
    std::vector<Download> downloads() const {
        std::lock_guard lock(mutex_);
        return downloads_;
    }
    std::vector<File> files() const {
        std::lock_guard lock(mutex_);
        return files_;
    }
    /// Downloads ("wget URL"), written files ("file PATH") and uploads ("scp PATH"), in the order reported.
    std::vector<std::string> stages() const {
        std::lock_guard lock(mutex_);
        return stages_;
    }
    std::vector<Execution> executions() const {
        std::lock_guard lock(mutex_);
        return executions_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
    std::vector<Download> downloads_;
    std::vector<File> files_;
    std::vector<Execution> executions_;
    std::vector<std::string> stages_;
    std::map<std::string, std::pair<std::string, uint16_t>> served_;
    std::vector<std::pair<std::string, FetchDone>> fetches_;
};

} // namespace kansoku::honeypot::testing

#pragma once

// A Collector that keeps what sessions report, for tests. Thread-safe: tests read it while a
// server thread writes (read with the accessors, which return copies).

#include <mutex>
#include <string>
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
};

} // namespace kansoku::honeypot::testing

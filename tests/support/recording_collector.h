#pragma once

// A Collector that keeps what sessions report, for tests.

#include <string>
#include <vector>

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
    struct Execution {
        std::string session;
        std::string path;
        std::vector<std::string> argv;
    };
    struct File {
        std::string session;
        std::string path;
        std::string content;
    };

    void emit(Event event) override { events.push_back(std::move(event)); }
    void download(const SessionContext& session, std::string_view url, std::string_view tool,
                  std::string_view output_path) override {
        downloads.push_back({session.id, std::string(url), std::string(tool), std::string(output_path)});
    }
    void executed(const SessionContext& session, std::string_view path, const std::vector<std::string>& argv) override {
        executions.push_back({session.id, std::string(path), argv});
    }
    void fileWritten(const SessionContext& session, std::string_view path, std::string_view content) override {
        files.push_back({session.id, std::string(path), std::string(content)});
    }

    std::vector<const Event*> ofType(std::string_view type) const {
        std::vector<const Event*> out;
        for (const auto& event : events) {
            if (event.type == type) {
                out.push_back(&event);
            }
        }
        return out;
    }

    std::vector<Event> events;
    std::vector<Download> downloads;
    std::vector<File> files;
    std::vector<Execution> executions;
};

} // namespace kansoku::honeypot::testing

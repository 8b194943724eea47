#pragma once

/// Writes events as JSON lines to a file or stdout (`--jsonl`, var/events.jsonl for log shippers).

#include <cstdio>
#include <string>
#include <string_view>

#include "common/event_sink.h"

namespace kansoku {

class JsonlWriter final : public EventSink {
public:
    /// Writes to stdout.
    JsonlWriter();
    ~JsonlWriter() override;
    JsonlWriter(const JsonlWriter&) = delete;
    JsonlWriter& operator=(const JsonlWriter&) = delete;

    /// Opens `path` for appending (creating parent directories is the caller's job).
    static Result<std::unique_ptr<JsonlWriter>> openAppend(const std::string& path);

    void publish(const Event& event) override;
    /// Writes one line that is already JSON (another format than Event's, e.g. Cowrie's).
    void publishLine(std::string_view json);
    Result<void> flush() override;

private:
    JsonlWriter(std::FILE* file, std::string name);
    std::FILE* file_;
    std::string name_;
    bool owned_;
    bool failed_ = false;
};

} // namespace kansoku

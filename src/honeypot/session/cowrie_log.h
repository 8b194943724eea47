#pragma once

/// The telnet and SSH honeypot events again, in Cowrie's JSON log format (one object per line,
/// "eventid" cowrie.session.connect, cowrie.login.success, cowrie.command.input, ...; field names
/// as in Cowrie's output event reference, https://docs.cowrie.org/en/stable/OUTPUT.html), so
/// dashboards and pipelines built for Cowrie read kansoku's honeypots unchanged. Other events
/// (darknet, HTTP, reflectors) are not written. The mapping is in docs/events.md.

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/event_sink.h"
#include "common/jsonl_writer.h"

namespace kansoku::honeypot {

/// The Cowrie records for one kansoku event (none for events Cowrie has no counterpart for).
std::vector<nlohmann::ordered_json> toCowrie(const Event& event);

class CowrieLogSink final : public EventSink {
public:
    /// Appends to `path` (the parent directory must exist).
    static Result<std::unique_ptr<CowrieLogSink>> open(const std::string& path);

    void publish(const Event& event) override;
    Result<void> flush() override { return writer_->flush(); }

private:
    explicit CowrieLogSink(std::unique_ptr<JsonlWriter> writer) : writer_(std::move(writer)) {}
    std::unique_ptr<JsonlWriter> writer_;
};

} // namespace kansoku::honeypot

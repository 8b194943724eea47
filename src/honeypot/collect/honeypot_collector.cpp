#include "honeypot/collect/honeypot_collector.h"

#include <span>
#include <utility>

#include "common/attacker_text.h"
#include "honeypot/session/honeypot_events.h"
#include "malware/sample_event.h"

namespace kansoku::honeypot {

namespace dl = malware::download;

HoneypotCollector::HoneypotCollector(EventSink& sink, std::string sensor, malware::SampleStore& store,
                                     dl::Downloader* downloader)
    : sink_(&sink), sensor_(std::move(sensor)), store_(&store), downloader_(downloader) {}

void HoneypotCollector::emit(Event event) {
    ++counters_.events;
    event.sensor = sensor_;
    sink_->publish(event);
}

namespace {

/// How many attempts to run a dropped file are remembered (for the sandbox's honeypot context).
constexpr size_t kMaxExecutions = 4096;
/// URLs whose last fetch is remembered (url -> sample), to answer a waiting shell when the same URL
/// is refused as fetched too recently.
constexpr size_t kMaxRecentFetches = 1024;

} // namespace

void HoneypotCollector::download(const SessionContext& session, std::string_view url, std::string_view tool,
                                 std::string_view output_path) {
    fetch(session, url, tool, output_path, {});
}

void HoneypotCollector::fetch(const SessionContext& session, std::string_view url, std::string_view tool,
                              std::string_view output_path, FetchDone done) {
    Origin origin{session, std::string(url), std::string(tool), {}, malware::SourceKind::Download};
    if (output_path != "-") {
        origin.path = std::string(output_path);
    }
    if (tool == "payload") {
        origin.kind = malware::SourceKind::HttpPayload;
    }
    if (downloader_ == nullptr) {
        ++counters_.downloads_skipped;
        dl::DownloadOutcome outcome;
        outcome.url = origin.url;
        outcome.status = dl::DownloadStatus::RefusedPolicy;
        outcome.detail = "downloads are disabled ([honeypot.download] enabled = false)";
        fetched(origin, outcome);
        return; // canFetch() is false: no session waits for this
    }
    ++counters_.downloads_requested;
    dl::DownloadJob job{origin.url, origin.tool, session.id, {}};
    downloader_->fetch(std::move(job), [this, origin = std::move(origin),
                                        done = std::move(done)](dl::DownloadOutcome outcome) {
        fetched(origin, outcome);
        if (!done) {
            return;
        }
        if (outcome.status == dl::DownloadStatus::RateLimited) {
            // The same URL again within the downloader's de-duplication window (many bots run the
            // same loader): the waiting shell gets the bytes fetched last time, from the store.
            if (const auto it = recent_fetches_.find(origin.url); it != recent_fetches_.end()) {
                if (auto bytes = store_->read(it->second); bytes) {
                    done(FetchResult{true,
                                     std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), 0});
                    return;
                }
            }
        }
        const bool ok = outcome.status == dl::DownloadStatus::Ok;
        done(FetchResult{
            ok, ok ? std::string_view(outcome.bytes) : std::string_view(),
            static_cast<uint16_t>(outcome.status == dl::DownloadStatus::HttpStatus ? outcome.http_status : 0)});
    });
}

void HoneypotCollector::fileWritten(const SessionContext& session, std::string_view path, std::string_view content) {
    ++counters_.files_written;
    store(Origin{session, {}, "shell", std::string(path), malware::SourceKind::ShellWrite}, content);
}

void HoneypotCollector::uploaded(const SessionContext& session, std::string_view path, std::string_view content,
                                 std::string_view via) {
    ++counters_.files_uploaded;
    // `tool` of the honeypot.download event and `via` of the sample's source: scp, sftp or stdin.
    store(Origin{session, {}, std::string(via), std::string(path), malware::SourceKind::Upload}, content);
}

void HoneypotCollector::executed(const SessionContext& session, std::string_view path,
                                 const std::vector<std::string>& argv) {
    auto key = std::make_pair(session.id, std::string(path));
    auto [it, inserted] = executions_.insert_or_assign(key, argv);
    if (inserted) {
        execution_order_.push_back(std::move(key));
        if (execution_order_.size() > kMaxExecutions) {
            executions_.erase(execution_order_.front());
            execution_order_.pop_front();
        }
    }
}

void HoneypotCollector::rememberFetch(const std::string& url, const std::string& sha256) {
    if (recent_fetches_.insert_or_assign(url, sha256).second) {
        recent_order_.push_back(url);
        if (recent_order_.size() > kMaxRecentFetches) {
            recent_fetches_.erase(recent_order_.front());
            recent_order_.pop_front();
        }
    }
}

NewSample HoneypotCollector::newSample(const Origin& origin, const malware::SampleSource& source,
                                       const malware::StoredSample& stored) const {
    NewSample sample;
    sample.sha256 = stored.sha256;
    sample.path = stored.path;
    sample.session = origin.session.id;
    // Where the attacker put it; an HTTP payload or a download to standard output has only its URL.
    sample.filename = malware::sourceFileName(source);
    sample.workdir = malware::sourceDirectory(source);
    if (auto it = executions_.find({origin.session.id, origin.path}); it != executions_.end()) {
        sample.argv = it->second;
    }
    return sample;
}

Event HoneypotCollector::makeDownloadEvent(const Origin& origin) {
    Event event = makeSessionEvent("honeypot.download", origin.session);
    if (!origin.url.empty()) {
        addAttackerText(event, "url", origin.url);
    }
    if (!origin.path.empty()) {
        addAttackerText(event, "path", origin.path);
    }
    event.add("tool", origin.tool);
    return event;
}

void HoneypotCollector::fetched(const Origin& origin, const dl::DownloadOutcome& outcome) {
    if (outcome.status == dl::DownloadStatus::Ok) {
        store(origin, outcome.bytes);
        return;
    }
    ++counters_.downloads_failed;
    Event event = makeDownloadEvent(origin);
    event.add("outcome", std::string(dl::downloadStatusName(outcome.status)));
    addAttackerText(event, "detail", outcome.detail);
    if (outcome.http_status != 0) {
        event.add("http_status", outcome.http_status);
    }
    emit(std::move(event));
}

void HoneypotCollector::store(const Origin& origin, std::string_view bytes) {
    malware::SampleSource source;
    source.kind = origin.kind;
    if (!origin.url.empty()) {
        source.url = origin.url;
    }
    source.session = origin.session.id;
    if (!origin.path.empty()) {
        source.path = origin.path;
    }
    if (origin.kind == malware::SourceKind::Upload) {
        source.via = origin.tool;
    }
    source.sensor = sensor_;
    source.first_seen = nowMicros();
    const auto data = std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    auto stored = store_->put(data, source);

    Event event = makeDownloadEvent(origin);
    event.add("size", static_cast<uint64_t>(bytes.size()));
    if (!stored) {
        ++counters_.store_errors;
        event.add("outcome", std::string("not_stored"));
        addAttackerText(event, "detail", stored.error().message);
        emit(std::move(event));
        return;
    }
    (stored->is_new ? counters_.samples_stored : counters_.samples_seen_again) += 1;
    if (origin.kind == malware::SourceKind::Download && !origin.url.empty()) {
        rememberFetch(origin.url, stored->sha256);
    }
    event.add("outcome", std::string("ok"));
    event.add("sha256", stored->sha256);
    event.add("file_type", stored->file_type);
    event.add("new", stored->is_new);
    emit(std::move(event));
    if (stored->is_new && new_sample_hook_) {
        new_sample_hook_(newSample(origin, source, *stored)); // it announces the sample once triaged
    } else {
        emit(malware::makeSampleEvent(*stored, nowMicros(), sensor_));
    }
}

} // namespace kansoku::honeypot

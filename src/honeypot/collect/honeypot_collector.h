#pragma once

/// The Collector the honeypots report to in a running process: events go to the event sink with
/// the sensor's name; URLs go to the safe downloader and what it fetches, like every file written
/// in a shell, into the content-addressed sample store, each as a honeypot.download and a `sample`
/// event. Runs on the io_context's thread only.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/event_sink.h"
#include "honeypot/session/collector.h"
#include "malware/download/downloader.h"
#include "malware/sample_index.h"
#include "malware/sample_store.h"

namespace kansoku::honeypot {

struct CollectorCounters {
    uint64_t events = 0;
    uint64_t downloads_requested = 0; ///< URLs handed to the downloader
    uint64_t downloads_skipped = 0;   ///< URLs not fetched: no downloader configured
    uint64_t downloads_failed = 0;    ///< outcomes other than ok
    uint64_t files_written = 0;       ///< shell-written files reported
    uint64_t files_uploaded = 0;      ///< files sent over a session (SCP, SFTP, exec stdin) reported
    uint64_t samples_stored = 0;      ///< put() that stored new content
    uint64_t samples_seen_again = 0;  ///< put() of known content
    uint64_t store_errors = 0;        ///< put() refused or failed (empty, too large, I/O)
};

/// A sample stored for the first time, with how the attacker meant to run it: the sandbox runs it
/// under the same name, in the same directory, with the same arguments (issue 5, honeypot context).
struct NewSample {
    std::string sha256;
    std::filesystem::path path;    ///< the file in the sample store
    std::string filename;          ///< where the attacker put it: ".x", "x.arm7" (basename)
    std::string workdir;           ///< its directory in the emulated filesystem ("/tmp"), "" if unknown
    std::vector<std::string> argv; ///< how the attacker ran it (`./.x telnet.arm`); empty if never run
    std::string session;
};
using NewSampleHook = std::function<void(const NewSample&)>;

class HoneypotCollector final : public Collector {
public:
    /// `downloader` may be null (downloads are then recorded, not fetched). All must outlive the
    /// collector and every session using it.
    HoneypotCollector(EventSink& sink, std::string sensor, malware::SampleStore& store,
                      malware::download::Downloader* downloader);

    void emit(Event event) override;
    void download(const SessionContext& session, std::string_view url, std::string_view tool,
                  std::string_view output_path) override;
    bool canFetch() const override { return downloader_ != nullptr; }
    void fetch(const SessionContext& session, std::string_view url, std::string_view tool, std::string_view output_path,
               FetchDone done) override;
    void fileWritten(const SessionContext& session, std::string_view path, std::string_view content) override;
    void uploaded(const SessionContext& session, std::string_view path, std::string_view content,
                  std::string_view via) override;
    void executed(const SessionContext& session, std::string_view path, const std::vector<std::string>& argv) override;

    /// Called on the io_context's thread for every sample stored for the first time. With a hook,
    /// the hook owns that sample's `sample` event (the pipeline publishes it after static triage,
    /// with its digests); without one, and for known samples, the collector emits it at once.
    void setNewSampleHook(NewSampleHook hook) { new_sample_hook_ = std::move(hook); }

    const CollectorCounters& counters() const { return counters_; }

private:
    struct Origin {
        SessionContext session;
        std::string url;
        std::string tool;
        std::string path; ///< the file in the emulated filesystem (shell write, download target)
        malware::SourceKind kind;
    };
    NewSample newSample(const Origin& origin, const malware::SampleSource& source,
                        const malware::StoredSample& stored) const;
    /// honeypot.download with the context, url or path, and tool; the outcome follows.
    static Event makeDownloadEvent(const Origin& origin);
    /// Stores `bytes` and emits honeypot.download (and `sample`) for them.
    void store(const Origin& origin, std::string_view bytes);
    void fetched(const Origin& origin, const malware::download::DownloadOutcome& outcome);
    void rememberFetch(const std::string& url, const std::string& sha256);

    EventSink* sink_;
    std::string sensor_;
    malware::SampleStore* store_;
    malware::download::Downloader* downloader_;
    CollectorCounters counters_;
    NewSampleHook new_sample_hook_;
    /// (session, path) -> argv of the last attempt to run it; bounded (oldest forgotten first).
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> executions_;
    std::deque<std::pair<std::string, std::string>> execution_order_;
    /// URL -> SHA-256 of its last successful fetch; bounded (oldest forgotten first).
    std::map<std::string, std::string> recent_fetches_;
    std::deque<std::string> recent_order_;
};

} // namespace kansoku::honeypot

#pragma once

/// Where honeypot sessions report: events, URLs to fetch, files the attacker wrote. One collector
/// serves every session of every service in a process; it is called on the io_context's thread
/// only (a service running elsewhere, e.g. libssh's thread, posts to the io_context first).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/event.h"
#include "honeypot/session/session_context.h"

namespace kansoku::honeypot {

class Collector {
public:
    virtual ~Collector() = default;

    /// A honeypot.* event (Event::sensor is filled in by the collector).
    virtual void emit(Event event) = 0;

    /// An attacker asked for `url` (wget, curl, tftp, ftpget, or a URL in an HTTP exploit): fetch it
    /// with the safe downloader, store it as a sample, emit honeypot.download and sample events.
    /// `tool` is "wget", "curl", "tftp", "ftpget" or "payload"; `output_path` is where the attacker
    /// asked for the file (absolute, "-" for standard output, empty if unknown).
    virtual void download(const SessionContext& session, std::string_view url, std::string_view tool,
                          std::string_view output_path) = 0;

    /// How a fetch for a waiting shell ended: the bytes (ok), or why not (an HTTP status, else a
    /// connection that failed or was refused by policy).
    struct FetchResult {
        bool ok = false;
        std::string_view bytes; ///< valid only during the callback
        uint16_t http_status = 0;
    };
    using FetchDone = std::function<void(const FetchResult&)>;

    /// True when fetch() really fetches (a downloader is configured): a shell may then wait for the
    /// bytes before its `wget` returns.
    virtual bool canFetch() const { return false; }

    /// As download(), and `done` is called once with the outcome (on the collector's thread, never
    /// from inside fetch()), after the file was stored and its events emitted. Default: download()
    /// alone (`done` is never called; canFetch() says so).
    virtual void fetch(const SessionContext& session, std::string_view url, std::string_view tool,
                       std::string_view output_path, FetchDone done) {
        (void)done;
        download(session, url, tool, output_path);
    }

    /// The attacker wrote a file in the emulated filesystem (echo -ne, cat >): store its bytes as a
    /// sample when they look like one (non-empty), emit honeypot.download (with the path, no URL)
    /// and sample events.
    virtual void fileWritten(const SessionContext& session, std::string_view path, std::string_view content) = 0;

    /// A file the attacker sent over the session itself, complete: `via` is "scp" (legacy SCP sink),
    /// "sftp" (the SFTP subsystem) or "stdin" (an exec channel's standard input written to a file by
    /// `cat > f`, `dd of=f`, `tee f`, `base64 -d > f`). Stored as a sample of kind `upload` like a
    /// download; `path` is the absolute path in the emulated filesystem. Default: as a written file.
    virtual void uploaded(const SessionContext& session, std::string_view path, std::string_view content,
                          std::string_view via) {
        (void)via;
        fileWritten(session, path, content);
    }

    /// The attacker tried to run `path` (a file the session dropped) with `argv` (`./x telnet.arm`).
    /// Never executed; remembered so the sandbox can later run the sample under the same name and
    /// arguments (issue 5, honeypot context).
    virtual void executed(const SessionContext& session, std::string_view path, const std::vector<std::string>& argv) {
        (void)session;
        (void)path;
        (void)argv;
    }
};

} // namespace kansoku::honeypot

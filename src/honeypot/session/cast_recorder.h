#pragma once

/// Records an interactive telnet or SSH session as an asciinema v2 cast (issue 17 item 3): a JSON
/// header line, then one `[seconds, "o"|"i", "data"]` line per terminal output or keyboard input,
/// timed from the session's start (https://docs.asciinema.org/manual/asciicast/v2/). The file is
/// `<dir>/<session>.cast`, beside the events; `kansoku honeypot replay SESSION` plays it.
///
/// Only sessions that log in are kept (keep()); the cast then starts at the connection.
///
/// Bounded: at most CastOptions::max_bytes per file; the rest of the session is not recorded, a
/// last output line says so, and the cut is counted. Memory: events are kept in a small buffer and
/// appended to the file (opened, written, closed: no descriptor held) when it passes
/// kFlushBytes and when the session ends; an idle session holds its header fields and at most
/// kFlushBytes of events.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/time.h"

namespace kansoku::honeypot {

struct CastOptions {
    std::string dir;               ///< where casts are written; empty: recording is off
    size_t max_bytes = 256 * 1024; ///< per cast file, header included
};

/// Per service, added up as sessions end.
struct CastCounters {
    uint64_t casts = 0;        ///< cast files written
    uint64_t bytes = 0;        ///< bytes written to them
    uint64_t cut = 0;          ///< casts cut at max_bytes
    uint64_t write_errors = 0; ///< files that could not be created or appended to (recording stopped)
};

class CastRecorder {
public:
    using Clock = std::chrono::steady_clock;
    /// After keep(): buffered events go to the file past this many bytes, so an idle session holds
    /// little (a few hundred bytes) whatever it printed before; each flush opens, appends, closes.
    static constexpr size_t kFlushBytes = 512;
    /// Before keep() (the login dialogue of a session that may never log in): held at most, then cut.
    static constexpr size_t kHoldBytes = 8 * 1024;

    /// `options` must outlive the recorder. `title` goes into the header ("telnet 198.51.100.7").
    CastRecorder(const CastOptions& options, std::string session, std::string title, Clock::time_point start,
                 Timestamp start_wall);

    /// Terminal bytes sent to the client at `at` (later than earlier calls; an earlier time is
    /// taken as the last one, so events stay in order).
    void output(std::string_view bytes, Clock::time_point at);
    /// Bytes the client typed.
    void input(std::string_view bytes, Clock::time_point at);
    /// The client's window (telnet NAWS, SSH pty-req); the header is written with the last size
    /// known at the first flush (80x24 if none).
    void setSize(uint16_t width, uint16_t height);

    /// The session logged in: its cast is written (from its start). A session that never does
    /// leaves no file; before keep() at most kHoldBytes of it are held (the rest is cut).
    void keep();
    bool kept() const { return kept_; }

    /// Writes what is buffered and adds this cast to `counters`. Idempotent.
    void finish(CastCounters& counters);

    /// `<dir>/<session>.cast`.
    std::string path() const;
    size_t heapBytes() const { return buffer_.capacity() + session_.capacity() + title_.capacity(); }

private:
    void event(char kind, std::string_view data, Clock::time_point at);
    void flush();

    const CastOptions* options_;
    std::string session_;
    std::string title_;
    std::string buffer_; ///< JSON lines not yet in the file
    Clock::time_point start_;
    Clock::time_point last_;
    Timestamp start_wall_;
    size_t size_ = 0; ///< bytes of the cast so far (file + buffer)
    uint16_t width_ = 0;
    uint16_t height_ = 0;
    bool header_written_ = false;
    bool kept_ = false;
    bool cut_ = false;
    bool failed_ = false;
    bool finished_ = false;
};

} // namespace kansoku::honeypot

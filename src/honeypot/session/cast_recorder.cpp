#include "honeypot/session/cast_recorder.h"

#include <cstdio>
#include <utility>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::honeypot {
namespace {

using Json = nlohmann::ordered_json;

/// A JSON string of attacker bytes: invalid UTF-8 becomes U+FFFD (a cast is JSON, hence UTF-8).
std::string jsonString(std::string_view bytes) {
    return Json(std::string(bytes)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace

CastRecorder::CastRecorder(const CastOptions& options, std::string session, std::string title, Clock::time_point start,
                           Timestamp start_wall)
    : options_(&options), session_(std::move(session)), title_(std::move(title)), start_(start), last_(start),
      start_wall_(start_wall) {}

std::string CastRecorder::path() const {
    return options_->dir + "/" + session_ + ".cast";
}

void CastRecorder::setSize(uint16_t width, uint16_t height) {
    if (width > 0 && height > 0) {
        width_ = width;
        height_ = height;
    }
}

void CastRecorder::output(std::string_view bytes, Clock::time_point at) {
    event('o', bytes, at);
}

void CastRecorder::input(std::string_view bytes, Clock::time_point at) {
    event('i', bytes, at);
}

void CastRecorder::event(char kind, std::string_view data, Clock::time_point at) {
    if (data.empty() || cut_ || failed_ || finished_) {
        return;
    }
    last_ = std::max(last_, at);
    const double seconds = std::chrono::duration<double>(last_ - start_).count();
    std::string line = fmt::format("[{:.6f}, \"{}\", {}]\n", seconds, kind, jsonString(data));
    // Room for the header (written later) is kept: ~200 bytes plus the title.
    const size_t reserve = header_written_ ? 0 : 256 + title_.size();
    const bool over_before_keep = !kept_ && buffer_.size() + line.size() > kHoldBytes;
    if (size_ + reserve + line.size() > options_->max_bytes || over_before_keep) {
        cut_ = true;
        const std::string marker =
            fmt::format("[{:.6f}, \"o\", {}]\n", seconds,
                        jsonString("\r\n[kansoku: recording cut at " + std::to_string(size_) + " bytes]\r\n"));
        size_ += marker.size();
        buffer_ += marker;
        if (kept_) {
            flush();
        }
        return;
    }
    size_ += line.size();
    buffer_ += line;
    if (kept_ && buffer_.size() >= kFlushBytes) {
        flush();
    }
}

void CastRecorder::flush() {
    if (failed_ || (buffer_.empty() && header_written_)) {
        return;
    }
    std::FILE* file = std::fopen(path().c_str(), header_written_ ? "ab" : "wb");
    if (file == nullptr) {
        failed_ = true;
        std::string().swap(buffer_);
        return;
    }
    bool ok = true;
    if (!header_written_) {
        Json header = Json::object();
        header["version"] = 2;
        header["width"] = width_ > 0 ? width_ : 80;
        header["height"] = height_ > 0 ? height_ : 24;
        header["timestamp"] = start_wall_ / 1'000'000;
        header["title"] = title_;
        header["env"] = Json{{"TERM", "vt100"}, {"SHELL", "/bin/sh"}};
        const std::string line = header.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
        ok = std::fwrite(line.data(), 1, line.size(), file) == line.size();
        size_ += line.size();
        header_written_ = true;
    }
    ok = ok && std::fwrite(buffer_.data(), 1, buffer_.size(), file) == buffer_.size();
    ok = std::fclose(file) == 0 && ok;
    failed_ = !ok;
    std::string().swap(buffer_); // an idle session keeps no flushed buffer
}

void CastRecorder::keep() {
    kept_ = true;
    flush(); // the header and the login dialogue: the buffer starts empty for the shell
}

void CastRecorder::finish(CastCounters& counters) {
    if (finished_) {
        return;
    }
    finished_ = true;
    if (!kept_) {
        std::string().swap(buffer_);
        return; // never logged in: no cast
    }
    flush();
    if (failed_) {
        ++counters.write_errors;
        return;
    }
    ++counters.casts;
    counters.bytes += size_;
    counters.cut += cut_ ? 1 : 0;
}

} // namespace kansoku::honeypot

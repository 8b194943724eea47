#include "web/access_log.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "common/time.h"

namespace kansoku::web {
namespace {

// The target is client-controlled: no spaces or control bytes may break the line's fields.
std::string printableTarget(std::string_view target) {
    std::string out;
    out.reserve(target.size());
    for (const char c : target) {
        const auto b = static_cast<unsigned char>(c);
        if (b <= 0x20 || b >= 0x7f || c == '%') {
            out += fmt::format("%{:02X}", b);
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path, size_t max_queued) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            return fail("web access_log {}: {}", path, ec.message());
        }
    }
    std::unique_ptr<AccessLog> log(new AccessLog());
    log->file_ = std::fopen(path.c_str(), "a");
    if (log->file_ == nullptr) {
        return fail("web access_log {}: {}", path, std::strerror(errno));
    }
    log->max_queued_ = max_queued;
    log->thread_ = std::thread([raw = log.get()] { raw->run(); });
    return log;
}

AccessLog::~AccessLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

bool AccessLog::write(const AccessRecord& r) {
    auto line = fmt::format("{} {} {} {} {} {} {:.1f}ms\n", formatRfc3339(nowMicros()), r.client,
                            r.method.empty() ? "-" : r.method, r.target.empty() ? "-" : printableTarget(r.target),
                            r.status, r.bytes, r.duration_ms);
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= max_queued_) {
            return false;
        }
        queue_.push_back(std::move(line));
        ++queued_total_;
    }
    wake_.notify_one();
    return true;
}

void AccessLog::sync() {
    std::unique_lock lock(mutex_);
    const uint64_t target = queued_total_;
    written_.wait(lock, [&] { return written_total_ >= target; });
}

void AccessLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        std::deque<std::string> batch;
        batch.swap(queue_);
        lock.unlock();
        for (const auto& line : batch) {
            std::fwrite(line.data(), 1, line.size(), file_);
        }
        std::fflush(file_);
        lock.lock();
        written_total_ += batch.size();
        written_.notify_all();
        if (stopping_ && queue_.empty()) {
            return;
        }
    }
}

} // namespace kansoku::web

#include "transport/disk_spool.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "common/file_descriptor.h"

namespace kansoku::transport {
namespace {

// A record: u32 length of what follows the check, u32 check (FNV-1a of it), u64 sequence, u16 topic
// length, the topic, the body. Native byte order: a spool is read back by the machine that wrote it.
constexpr size_t kHeader = 8;
constexpr size_t kFixed = 10; // sequence and topic length
constexpr size_t kWriteChunk = 64 << 10;
constexpr size_t kReadChunk = 1 << 20;
constexpr uint32_t kMaxRecord = 1U << 30;

uint32_t fnv1a(const char* data, size_t size) {
    uint32_t h = 2166136261U;
    for (size_t i = 0; i < size; ++i) {
        h = (h ^ static_cast<uint8_t>(data[i])) * 16777619U;
    }
    return h;
}

template <typename T>
T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <typename T>
void put(std::string& out, T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

/// A complete, intact record at the start of `data` (its total size in `size`), or nullopt.
std::optional<SpoolRecord> parseRecord(const char* data, size_t available, size_t& size) {
    if (available < kHeader + kFixed) {
        return std::nullopt;
    }
    const auto length = load<uint32_t>(data);
    if (length < kFixed || length > kMaxRecord || available < kHeader + length) {
        return std::nullopt;
    }
    if (fnv1a(data + kHeader, length) != load<uint32_t>(data + 4)) {
        return std::nullopt;
    }
    const auto topic_length = load<uint16_t>(data + kHeader + 8);
    if (kFixed + topic_length > length) {
        return std::nullopt;
    }
    SpoolRecord record;
    record.sequence = load<uint64_t>(data + kHeader);
    record.topic.assign(data + kHeader + kFixed, topic_length);
    record.body.assign(data + kHeader + kFixed + topic_length, length - kFixed - topic_length);
    size = kHeader + length;
    return record;
}

Result<void> syncFile(int fd, const std::string& path) {
    if (::fdatasync(fd) != 0) {
        return fail("spool {}: fsync: {}", path, std::strerror(errno));
    }
    return {};
}

} // namespace

struct DiskSpool::Segment {
    Segment(std::string p, uint64_t f, int descriptor) : path(std::move(p)), first(f), fd(descriptor) {}
    std::string path;
    uint64_t first = 0;
    uint64_t last = 0; ///< 0: no record yet
    uint64_t size = 0; ///< bytes in the file
    FileDescriptor fd;
};

DiskSpool::DiskSpool(DiskSpoolOptions options) : options_(std::move(options)) {}

DiskSpool::~DiskSpool() {
    std::lock_guard lock(mutex_);
    (void)syncLocked();
}

Result<std::unique_ptr<DiskSpool>> DiskSpool::open(DiskSpoolOptions options) {
    std::unique_ptr<DiskSpool> spool(new DiskSpool(std::move(options)));
    std::error_code ec;
    std::filesystem::create_directories(spool->options_.dir, ec);
    if (ec) {
        return fail("spool {}: {}", spool->options_.dir, ec.message());
    }
    std::lock_guard lock(spool->mutex_);
    KANSOKU_TRY(spool->recover());
    spool->last_sync_ = std::chrono::steady_clock::now();
    return spool;
}

Result<void> DiskSpool::recover() {
    const std::string cursor_path = options_.dir + "/cursor";
    if (FILE* f = std::fopen(cursor_path.c_str(), "r")) {
        unsigned long long acked = 0;
        if (std::fscanf(f, "%llu", &acked) == 1) {
            acknowledged_ = acked;
        }
        std::fclose(f);
    }
    cursor_written_ = acknowledged_;
    std::vector<std::pair<uint64_t, std::string>> files;
    for (const auto& entry : std::filesystem::directory_iterator(options_.dir)) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() != ".seg") {
            continue;
        }
        uint64_t first = 0;
        const auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), first);
        if (err == std::errc() && std::string_view(end) == ".seg") {
            files.emplace_back(first, entry.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    uint64_t last_sequence = acknowledged_;
    std::string data;
    for (const auto& [first, path] : files) {
        auto segment = std::make_unique<Segment>(path, first, ::open(path.c_str(), O_RDWR | O_CLOEXEC));
        if (segment->fd.get() < 0) {
            return fail("spool {}: {}", path, std::strerror(errno));
        }
        const auto file_size = std::filesystem::file_size(path);
        data.resize(file_size);
        if (file_size > 0 && ::pread(segment->fd.get(), data.data(), file_size, 0) != static_cast<ssize_t>(file_size)) {
            return fail("spool {}: read: {}", path, std::strerror(errno));
        }
        size_t offset = 0;
        size_t size = 0;
        while (auto record = parseRecord(data.data() + offset, data.size() - offset, size)) {
            if (record->sequence <= segment->last) {
                break; // out of order: treat as corrupt from here
            }
            segment->last = record->sequence;
            offset += size;
        }
        if (offset < file_size) {
            counters_.torn_bytes += file_size - offset;
            if (::ftruncate(segment->fd.get(), static_cast<off_t>(offset)) != 0) {
                return fail("spool {}: truncate: {}", path, std::strerror(errno));
            }
        }
        segment->size = offset;
        if (segment->last == 0 || segment->last <= acknowledged_) {
            std::error_code ignored;
            std::filesystem::remove(path, ignored);
            continue;
        }
        last_sequence = std::max(last_sequence, segment->last);
        bytes_ += segment->size;
        segments_.push_back(std::move(segment));
    }
    next_sequence_ = last_sequence + 1;
    read_sequence_ = acknowledged_;
    return openWriteSegment(next_sequence_);
}

Result<void> DiskSpool::openWriteSegment(uint64_t first_sequence) {
    auto path = fmt::format("{}/{:020}.seg", options_.dir, first_sequence);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    auto segment = std::make_unique<Segment>(std::move(path), first_sequence, fd);
    if (segment->fd.get() < 0) {
        return fail("spool {}: {}", segment->path, std::strerror(errno));
    }
    segments_.push_back(std::move(segment));
    return {};
}

std::optional<uint64_t> DiskSpool::append(std::string_view topic, std::string_view body) {
    const size_t topic_length = std::min<size_t>(topic.size(), UINT16_MAX);
    const size_t length = kFixed + topic_length + body.size();
    std::lock_guard lock(mutex_);
    if (length > kMaxRecord || bytes_ + kHeader + length > options_.max_bytes) {
        ++counters_.dropped_full;
        return std::nullopt;
    }
    auto* segment = segments_.back().get();
    if (segment->last != 0 && segment->size + buffer_.size() + kHeader + length > options_.segment_bytes) {
        auto done = writeBuffer().and_then([&] { return syncFile(segment->fd.get(), segment->path); }).and_then([&] {
            return openWriteSegment(next_sequence_);
        });
        if (!done) {
            error_ = done.error();
            ++counters_.dropped_full;
            return std::nullopt;
        }
        segment = segments_.back().get();
    }
    const uint64_t sequence = next_sequence_++;
    const size_t start = buffer_.size();
    put<uint32_t>(buffer_, static_cast<uint32_t>(length));
    put<uint32_t>(buffer_, 0);
    put<uint64_t>(buffer_, sequence);
    put<uint16_t>(buffer_, static_cast<uint16_t>(topic_length));
    buffer_.append(topic.data(), topic_length);
    buffer_.append(body);
    const uint32_t check = fnv1a(buffer_.data() + start + kHeader, length);
    std::memcpy(buffer_.data() + start + 4, &check, sizeof check);
    segment->last = sequence;
    bytes_ += kHeader + length;
    ++counters_.appended;
    if (buffer_.size() >= kWriteChunk) {
        if (auto written = writeBuffer(); !written) {
            error_ = written.error();
        }
    }
    has_records_.notify_one();
    return sequence;
}

Result<void> DiskSpool::writeBuffer() {
    if (buffer_.empty()) {
        return {};
    }
    auto& segment = *segments_.back();
    size_t done = 0;
    while (done < buffer_.size()) {
        const auto n = ::pwrite(segment.fd.get(), buffer_.data() + done, buffer_.size() - done,
                                static_cast<off_t>(segment.size + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail("spool {}: write: {}", segment.path, std::strerror(errno));
        }
        done += static_cast<size_t>(n);
    }
    segment.size += buffer_.size();
    buffer_.clear();
    dirty_ = true;
    return {};
}

std::vector<SpoolRecord> DiskSpool::read(size_t max, std::chrono::milliseconds wait) {
    std::vector<SpoolRecord> out;
    std::unique_lock lock(mutex_);
    has_records_.wait_for(lock, wait, [&] { return interrupted_ || read_sequence_ + 1 < next_sequence_; });
    interrupted_ = false;
    std::string chunk;
    uint64_t want = kReadChunk;
    while (out.size() < max && read_sequence_ + 1 < next_sequence_ && read_segment_ < segments_.size()) {
        auto& segment = *segments_[read_segment_];
        const bool last = read_segment_ + 1 == segments_.size();
        if (read_offset_ >= segment.size) {
            if (!last) {
                ++read_segment_;
                read_offset_ = 0;
                continue;
            }
            if (auto written = writeBuffer(); !written) {
                error_ = written.error();
                break;
            }
            if (read_offset_ >= segment.size) {
                break;
            }
        }
        chunk.resize(std::min<uint64_t>(want, segment.size - read_offset_));
        if (::pread(segment.fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(read_offset_)) !=
            static_cast<ssize_t>(chunk.size())) {
            error_ = Error{fmt::format("spool {}: read: {}", segment.path, std::strerror(errno))};
            break;
        }
        size_t offset = 0;
        size_t size = 0;
        while (out.size() < max) {
            auto record = parseRecord(chunk.data() + offset, chunk.size() - offset, size);
            if (!record) {
                break;
            }
            offset += size;
            read_offset_ += size;
            if (record->sequence <= read_sequence_) {
                continue; // acknowledged before a rewind
            }
            read_sequence_ = record->sequence;
            out.push_back(std::move(*record));
        }
        want = kReadChunk;
        if (offset == 0 && out.size() < max) {
            // No whole record in the chunk: one larger than it, or damage (skip the rest of the segment).
            const uint64_t length = chunk.size() >= kHeader ? load<uint32_t>(chunk.data()) : 0;
            if (length <= kMaxRecord && kHeader + length > chunk.size() &&
                read_offset_ + kHeader + length <= segment.size) {
                want = kHeader + length;
                continue;
            }
            read_offset_ = segment.size;
            if (last) {
                break;
            }
        }
    }
    return out;
}

Result<void> DiskSpool::acknowledge(uint64_t sequence) {
    std::lock_guard lock(mutex_);
    if (sequence <= acknowledged_) {
        return {};
    }
    acknowledged_ = sequence;
    while (segments_.size() > 1 && segments_.front()->last <= acknowledged_) {
        bytes_ -= segments_.front()->size;
        std::error_code ec;
        std::filesystem::remove(segments_.front()->path, ec);
        segments_.pop_front();
        if (read_segment_ > 0) {
            --read_segment_;
        } else {
            read_offset_ = 0;
        }
    }
    if (segments_.size() == 1 && segments_.front()->last != 0 && segments_.front()->last <= acknowledged_ &&
        buffer_.empty() && segments_.front()->size >= options_.segment_bytes / 2) {
        // Everything sent: start a fresh segment so the old one can go.
        KANSOKU_TRY(syncFile(segments_.front()->fd.get(), segments_.front()->path));
        KANSOKU_TRY(openWriteSegment(next_sequence_));
        bytes_ -= segments_.front()->size;
        std::error_code ec;
        std::filesystem::remove(segments_.front()->path, ec);
        segments_.pop_front();
        read_segment_ = 0;
        read_offset_ = 0;
    }
    return {};
}

void DiskSpool::rewind() {
    std::lock_guard lock(mutex_);
    read_segment_ = 0;
    read_offset_ = 0;
    read_sequence_ = acknowledged_;
}

Result<void> DiskSpool::writeCursor() {
    if (cursor_written_ == acknowledged_) {
        return {};
    }
    const std::string path = options_.dir + "/cursor";
    const std::string temp = path + ".tmp";
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return fail("spool {}: {}", temp, std::strerror(errno));
    }
    const auto text = fmt::format("{}\n", acknowledged_);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        return fail("spool {}: write: {}", temp, std::strerror(errno));
    }
    KANSOKU_TRY(syncFile(fd.get(), temp));
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        return fail("spool {}: rename: {}", path, std::strerror(errno));
    }
    cursor_written_ = acknowledged_;
    return {};
}

Result<void> DiskSpool::syncLocked() {
    KANSOKU_TRY(writeBuffer());
    if (dirty_ && !segments_.empty()) {
        KANSOKU_TRY(syncFile(segments_.back()->fd.get(), segments_.back()->path));
        dirty_ = false;
    }
    KANSOKU_TRY(writeCursor());
    last_sync_ = std::chrono::steady_clock::now();
    if (error_) {
        auto e = *error_;
        error_.reset();
        return fail(std::move(e));
    }
    return {};
}

Result<void> DiskSpool::sync() {
    std::lock_guard lock(mutex_);
    return syncLocked();
}

Result<void> DiskSpool::syncIfDue() {
    std::lock_guard lock(mutex_);
    if (std::chrono::steady_clock::now() - last_sync_ < options_.sync_interval) {
        return {};
    }
    return syncLocked();
}

void DiskSpool::interrupt() {
    std::lock_guard lock(mutex_);
    interrupted_ = true;
    has_records_.notify_all();
}

DiskSpoolCounters DiskSpool::counters() const {
    std::lock_guard lock(mutex_);
    DiskSpoolCounters c = counters_;
    c.acknowledged = acknowledged_;
    c.last_sequence = next_sequence_ - 1;
    c.pending = next_sequence_ - 1 - acknowledged_;
    c.bytes = bytes_;
    c.segments = segments_.size();
    return c;
}

} // namespace kansoku::transport

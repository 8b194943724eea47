#include "honeypot/ssh/sftp_server.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace kansoku::honeypot::ssh {
namespace {

// Packet types and status codes, draft-ietf-secsh-filexfer-02 sections 3 and 7.
constexpr uint8_t kInit = 1;
constexpr uint8_t kVersion = 2;
constexpr uint8_t kOpen = 3;
constexpr uint8_t kClose = 4;
constexpr uint8_t kRead = 5;
constexpr uint8_t kWrite = 6;
constexpr uint8_t kLstat = 7;
constexpr uint8_t kFstat = 8;
constexpr uint8_t kSetstat = 9;
constexpr uint8_t kFsetstat = 10;
constexpr uint8_t kOpendir = 11;
constexpr uint8_t kReaddir = 12;
constexpr uint8_t kRemove = 13;
constexpr uint8_t kMkdir = 14;
constexpr uint8_t kRmdir = 15;
constexpr uint8_t kRealpath = 16;
constexpr uint8_t kStat = 17;
constexpr uint8_t kRename = 18;
constexpr uint8_t kReadlink = 19;
constexpr uint8_t kSymlink = 20;
constexpr uint8_t kStatus = 101;
constexpr uint8_t kHandle = 102;
constexpr uint8_t kData = 103;
constexpr uint8_t kName = 104;
constexpr uint8_t kAttrs = 105;

enum Status : uint32_t {
    Ok = 0,
    Eof = 1,
    NoSuchFile = 2,
    PermissionDenied = 3,
    Failure = 4,
    BadMessage = 5,
    Unsupported = 8
};

// OPEN flags (section 6.3) and attribute flags (section 5).
constexpr uint32_t kOpenWrite = 0x02;
constexpr uint32_t kOpenAppend = 0x04;
constexpr uint32_t kOpenCreate = 0x08;
constexpr uint32_t kOpenTruncate = 0x10;
constexpr uint32_t kOpenExclusive = 0x20;
constexpr uint32_t kAttrSize = 0x01;
constexpr uint32_t kAttrUidGid = 0x02;
constexpr uint32_t kAttrPermissions = 0x04;
constexpr uint32_t kAttrTimes = 0x08;
constexpr uint32_t kAttrExtended = 0x80000000U;
constexpr uint32_t kFileType = 0100000;
constexpr uint32_t kDirectoryType = 0040000;
constexpr size_t kMaxExtendedAttributes = 64;
constexpr size_t kKeepBufferBytes = 4096;

std::string_view statusText(uint32_t code) {
    switch (code) {
    case Ok:
        return "Success";
    case Eof:
        return "End of file";
    case NoSuchFile:
        return "No such file";
    case PermissionDenied:
        return "Permission denied";
    case BadMessage:
        return "Bad message";
    case Unsupported:
        return "Operation unsupported";
    default:
        return "Failure";
    }
}

/// Reads the fields of a request, bounds-checked; any short read makes ok() false.
class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}
    uint32_t u32() {
        if (data_.size() < 4) {
            ok_ = false;
            data_ = {};
            return 0;
        }
        const auto b = [this](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(data_[i])); };
        const uint32_t value = b(0) << 24U | b(1) << 16U | b(2) << 8U | b(3);
        data_.remove_prefix(4);
        return value;
    }
    uint64_t u64() {
        const uint64_t high = u32();
        return high << 32U | u32();
    }
    std::string_view string() {
        const uint32_t length = u32();
        if (!ok_ || length > data_.size()) {
            ok_ = false;
            data_ = {};
            return {};
        }
        std::string_view value = data_.substr(0, length);
        data_.remove_prefix(length);
        return value;
    }
    /// ATTRS (section 5); returns the permissions if present.
    std::optional<uint32_t> attrs(std::optional<uint64_t>* size = nullptr) {
        const uint32_t flags = u32();
        std::optional<uint32_t> permissions;
        if ((flags & kAttrSize) != 0) {
            const uint64_t value = u64();
            if (size != nullptr) {
                *size = value;
            }
        }
        if ((flags & kAttrUidGid) != 0) {
            u64();
        }
        if ((flags & kAttrPermissions) != 0) {
            permissions = u32();
        }
        if ((flags & kAttrTimes) != 0) {
            u64();
        }
        if ((flags & kAttrExtended) != 0) {
            const uint32_t count = u32();
            if (count > kMaxExtendedAttributes) {
                ok_ = false;
            }
            for (uint32_t i = 0; ok_ && i < count; ++i) {
                string();
                string();
            }
        }
        return permissions;
    }
    bool ok() const { return ok_; }

private:
    std::string_view data_;
    bool ok_ = true;
};

void putU32(std::string& out, uint32_t value) {
    out.push_back(static_cast<char>(value >> 24U));
    out.push_back(static_cast<char>(value >> 16U));
    out.push_back(static_cast<char>(value >> 8U));
    out.push_back(static_cast<char>(value));
}

void putU64(std::string& out, uint64_t value) {
    putU32(out, static_cast<uint32_t>(value >> 32U));
    putU32(out, static_cast<uint32_t>(value));
}

void putString(std::string& out, std::string_view value) {
    putU32(out, static_cast<uint32_t>(value.size()));
    out.append(value);
}

/// A packet: length, type, (id), body.
class Packet {
public:
    Packet(uint8_t type, std::optional<uint32_t> id) {
        body_.push_back(static_cast<char>(type));
        if (id) {
            putU32(body_, *id);
        }
    }
    Packet& u32(uint32_t value) {
        putU32(body_, value);
        return *this;
    }
    Packet& u64(uint64_t value) {
        putU64(body_, value);
        return *this;
    }
    Packet& string(std::string_view value) {
        putString(body_, value);
        return *this;
    }
    Packet& raw(std::string_view bytes) {
        body_.append(bytes);
        return *this;
    }
    void to(std::string& out) const {
        putU32(out, static_cast<uint32_t>(body_.size()));
        out.append(body_);
    }

private:
    std::string body_;
};

void status(std::string& reply, uint32_t id, uint32_t code, std::string_view message = {}) {
    Packet(kStatus, id).u32(code).string(message.empty() ? statusText(code) : message).string("").to(reply);
}

/// ATTRS for a stat result: size, uid/gid 0 (root, as on the device), mode with its type, times 0
/// (devices without a real-time clock start in 1970).
std::string attrsOf(const shell::FsStat& st) {
    std::string out;
    putU32(out, kAttrSize | kAttrUidGid | kAttrPermissions | kAttrTimes);
    putU64(out, st.size);
    putU32(out, 0);
    putU32(out, 0);
    putU32(out, (st.mode & 07777U) | (st.directory ? kDirectoryType : kFileType));
    putU32(out, 0);
    putU32(out, 0);
    return out;
}

/// The `ls -l` line sftp shows (BusyBox ls -l's columns).
std::string longName(std::string_view name, const shell::FsStat& st) {
    std::string mode = st.directory ? "d" : "-";
    for (int shift = 6; shift >= 0; shift -= 3) {
        const uint32_t bits = (st.mode >> static_cast<unsigned>(shift)) & 7U;
        mode += (bits & 4U) != 0 ? 'r' : '-';
        mode += (bits & 2U) != 0 ? 'w' : '-';
        mode += (bits & 1U) != 0 ? 'x' : '-';
    }
    return fmt::format("{} {:>4} root     root     {:>9} Jan  1  1970 {}", mode, st.directory ? 2 : 1, st.size, name);
}

uint32_t statusOf(shell::FsStatus fs_status) {
    switch (fs_status) {
    case shell::FsStatus::Ok:
        return Ok;
    case shell::FsStatus::NotFound:
        return NoSuchFile;
    default:
        return Failure;
    }
}

std::string handleText(uint32_t id) {
    std::string out;
    putU32(out, id);
    return out;
}

} // namespace

SftpServer::SftpServer(shell::VirtualFs& fs, std::string home, SftpLimits limits, StoreFn store)
    : fs_(&fs), home_(std::move(home)), limits_(limits), store_(std::move(store)) {}

bool SftpServer::feed(std::string_view data, std::string& reply) {
    for (;;) {
        if (skip_ > 0) {
            const size_t take = static_cast<size_t>(std::min<uint64_t>(skip_, data.size()));
            skip_ -= take;
            data.remove_prefix(take);
        }
        // Hold at most one packet: a whole one, or the type and id of an oversized one.
        size_t need = 4;
        if (skip_ == 0 && input_.size() >= 4) {
            Reader header(std::string_view(input_).substr(0, 4));
            const uint32_t length = header.u32();
            if (length == 0) {
                ++counters_.bad_messages;
                return false;
            }
            const bool oversized = length > limits_.max_packet;
            need = 4 + (oversized ? std::min<size_t>(length, 5) : length);
            if (input_.size() >= need) {
                const std::string_view body = std::string_view(input_).substr(4, need - 4);
                if (oversized) {
                    // Answer its request id; drop the rest of the packet as it comes, unheld.
                    ++counters_.bad_messages;
                    Reader id_reader(body.substr(1));
                    status(reply, id_reader.u32(), BadMessage, "packet too long");
                    skip_ = length - (need - 4);
                } else if (!packet(body, reply)) {
                    return false;
                }
                input_.clear();
                if (input_.capacity() > kKeepBufferBytes) {
                    input_.shrink_to_fit(); // an idle session keeps no packet-sized buffer
                }
                continue;
            }
        }
        if (data.empty()) {
            return true;
        }
        if (skip_ == 0) {
            const size_t take = std::min(need - input_.size(), data.size());
            input_.append(data.substr(0, take));
            data.remove_prefix(take);
        }
    }
}

bool SftpServer::packet(std::string_view body, std::string& reply) {
    ++counters_.requests;
    const auto type = static_cast<uint8_t>(body[0]);
    if (type == kInit) {
        // Version 3, no extensions: clients fall back to the plain requests.
        initialised_ = true;
        Packet(kVersion, std::nullopt).u32(3).to(reply);
        return true;
    }
    if (!initialised_ || body.size() < 5) {
        ++counters_.bad_messages;
        return initialised_; // a request before INIT ends the subsystem (as sftp-server does)
    }
    Reader id_reader(body.substr(1, 4));
    request(type, id_reader.u32(), body.substr(5), reply);
    return true;
}

std::string SftpServer::resolve(std::string_view path) const {
    const auto resolved = fs_->resolve(home_, path.empty() ? std::string_view(".") : path);
    return resolved ? *resolved : std::string();
}

std::string SftpServer::checkedPath(bool parsed, std::string_view raw, uint32_t id, std::string& reply) {
    if (!parsed) {
        ++counters_.bad_messages;
        status(reply, id, BadMessage);
        return {};
    }
    std::string path = resolve(raw);
    if (path.empty()) {
        status(reply, id, Failure, "File name too long");
    }
    return path;
}

SftpServer::Handle* SftpServer::findHandle(std::string_view handle, bool directory) {
    if (handle.size() == 4) {
        Reader reader(handle);
        const uint32_t id = reader.u32();
        for (Handle& h : handles_) {
            if (h.id == id && h.directory == directory) {
                return &h;
            }
        }
    }
    ++counters_.bad_handles;
    return nullptr;
}

size_t SftpServer::heldBytes() const {
    size_t total = 0;
    for (const Handle& h : handles_) {
        total += h.data.size();
    }
    return total;
}

void SftpServer::request(uint8_t type, uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    switch (type) {
    case kOpen:
        return open(id, args, reply);
    case kClose:
        return closeHandle(id, in.string(), reply);
    case kWrite:
        return write(id, args, reply);
    case kRead:
        return read(id, args, reply);
    case kReaddir:
        return readDirectory(id, args, reply);
    case kSetstat:
    case kFsetstat:
        return setStat(id, type, args, reply);
    case kRename:
        return rename(id, args, reply);
    case kLstat:
    case kStat:
    case kRealpath:
    case kOpendir:
    case kRemove:
    case kMkdir:
    case kRmdir:
        break;
    case kFstat: {
        const std::string_view handle = in.string();
        Handle* h = in.ok() ? findHandle(handle, false) : nullptr;
        if (h == nullptr) {
            return status(reply, id, in.ok() ? Failure : BadMessage);
        }
        auto st = fs_->stat(h->path).value_or(shell::FsStat{});
        if (h->writing) {
            st.size = h->data.size();
            st.mode = h->mode;
        }
        return Packet(kAttrs, id).raw(attrsOf(st)).to(reply);
    }
    case kReadlink:
    case kSymlink:
        ++counters_.unsupported;
        return status(reply, id, Failure); // there are no links in the emulated filesystem
    default:
        ++counters_.unsupported;
        return status(reply, id, Unsupported);
    }
    // The requests that take one path (and for MKDIR, attributes).
    const std::string_view raw = in.string();
    if (type == kMkdir) {
        in.attrs();
    }
    const std::string path = checkedPath(in.ok(), raw, id, reply);
    if (path.empty()) {
        return;
    }
    const auto st = fs_->stat(path);
    switch (type) {
    case kRealpath: {
        // OpenSSH's sftp-server resolves without requiring the path to exist; attributes are empty.
        std::string empty_attrs;
        putU32(empty_attrs, 0);
        return Packet(kName, id).u32(1).string(path).string(path).raw(empty_attrs).to(reply);
    }
    case kStat:
    case kLstat:
        if (!st) {
            return status(reply, id, NoSuchFile);
        }
        return Packet(kAttrs, id).raw(attrsOf(*st)).to(reply);
    case kOpendir: {
        if (!st) {
            return status(reply, id, NoSuchFile);
        }
        if (!st->directory) {
            return status(reply, id, Failure, "Not a directory");
        }
        if (handles_.size() >= limits_.max_handles) {
            ++counters_.refused;
            return status(reply, id, Failure, "Too many open files");
        }
        Handle h;
        h.id = next_handle_++;
        h.directory = true;
        h.path = path;
        h.names = {".", ".."};
        for (std::string& name : fs_->list(path)) {
            h.names.push_back(std::move(name));
        }
        handles_.push_back(std::move(h));
        return Packet(kHandle, id).string(handleText(handles_.back().id)).to(reply);
    }
    case kRemove:
        if (!st) {
            return status(reply, id, NoSuchFile);
        }
        if (st->directory) {
            return status(reply, id, Failure, "Is a directory");
        }
        return status(reply, id, statusOf(fs_->remove(path, false)));
    case kMkdir:
        if (st) {
            return status(reply, id, Failure, "File exists");
        }
        return status(reply, id, statusOf(fs_->makeDirectory(path)));
    case kRmdir:
        if (!st) {
            return status(reply, id, NoSuchFile);
        }
        if (!st->directory) {
            return status(reply, id, Failure, "Not a directory");
        }
        return status(reply, id, statusOf(fs_->remove(path, false)));
    default:
        return status(reply, id, Unsupported);
    }
}

void SftpServer::open(uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string_view raw = in.string();
    const uint32_t flags = in.u32();
    const auto permissions = in.attrs();
    const std::string path = checkedPath(in.ok(), raw, id, reply);
    if (path.empty()) {
        return;
    }
    const auto st = fs_->stat(path);
    if (st && st->directory) {
        return status(reply, id, Failure, "Is a directory");
    }
    const bool writing = (flags & (kOpenWrite | kOpenAppend)) != 0;
    if (!st && !(writing && (flags & kOpenCreate) != 0)) {
        return status(reply, id, NoSuchFile);
    }
    if (st && (flags & kOpenCreate) != 0 && (flags & kOpenExclusive) != 0) {
        return status(reply, id, Failure, "File exists");
    }
    if (!st) {
        const size_t slash = path.rfind('/');
        const auto parent = fs_->stat(slash == 0 ? "/" : std::string_view(path).substr(0, slash));
        if (!parent || !parent->directory) {
            return status(reply, id, NoSuchFile);
        }
    }
    if (handles_.size() >= limits_.max_handles) {
        ++counters_.refused;
        return status(reply, id, Failure, "Too many open files");
    }
    Handle h;
    h.id = next_handle_++;
    h.path = path;
    h.writing = writing;
    h.mode = permissions ? (*permissions & 07777U) : st ? st->mode : 0644U;
    if (writing) {
        h.dirty = !st || (flags & kOpenTruncate) != 0;
        if (st && (flags & kOpenTruncate) == 0) {
            const auto content = fs_->read(path).value_or(std::string_view());
            if (content.size() + heldBytes() > limits_.max_held_bytes) {
                ++counters_.refused;
                return status(reply, id, Failure, "No space left on device");
            }
            h.data.assign(content);
        }
    }
    handles_.push_back(std::move(h));
    Packet(kHandle, id).string(handleText(handles_.back().id)).to(reply);
}

void SftpServer::write(uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string_view handle = in.string();
    const uint64_t offset = in.u64();
    const std::string_view data = in.string();
    if (!in.ok()) {
        ++counters_.bad_messages;
        return status(reply, id, BadMessage);
    }
    Handle* h = findHandle(handle, false);
    if (h == nullptr || !h->writing) {
        if (h != nullptr) {
            ++counters_.bad_handles;
        }
        return status(reply, id, h == nullptr ? Failure : PermissionDenied);
    }
    if (offset > limits_.max_file_bytes || data.size() > limits_.max_file_bytes - offset) {
        ++counters_.refused;
        h->data.clear();
        h->data.shrink_to_fit();
        h->dirty = false; // the upload failed: nothing of it is kept
        return status(reply, id, Failure, "File too large");
    }
    const size_t end = static_cast<size_t>(offset) + data.size();
    if (end > h->data.size() && end - h->data.size() + heldBytes() > limits_.max_held_bytes) {
        ++counters_.refused;
        return status(reply, id, Failure, "No space left on device");
    }
    if (end > h->data.size()) {
        h->data.resize(end, '\0');
    }
    std::copy(data.begin(), data.end(), h->data.begin() + static_cast<std::ptrdiff_t>(offset));
    h->dirty = true;
    status(reply, id, Ok);
}

void SftpServer::read(uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string_view handle = in.string();
    const uint64_t offset = in.u64();
    const uint32_t length = in.u32();
    if (!in.ok()) {
        ++counters_.bad_messages;
        return status(reply, id, BadMessage);
    }
    Handle* h = findHandle(handle, false);
    if (h == nullptr) {
        return status(reply, id, Failure);
    }
    const std::string_view content = h->writing ? std::string_view(h->data) : fs_->read(h->path).value_or("");
    if (offset >= content.size()) {
        return status(reply, id, Eof);
    }
    const size_t n = std::min<size_t>({length, limits_.max_read, content.size() - static_cast<size_t>(offset)});
    Packet(kData, id).string(content.substr(static_cast<size_t>(offset), n)).to(reply);
}

void SftpServer::readDirectory(uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string_view handle = in.string();
    Handle* h = in.ok() ? findHandle(handle, true) : nullptr;
    if (h == nullptr) {
        return status(reply, id, in.ok() ? Failure : BadMessage);
    }
    if (h->next_name >= h->names.size()) {
        return status(reply, id, Eof);
    }
    std::string entries;
    uint32_t count = 0;
    for (; h->next_name < h->names.size() && count < limits_.max_names; ++h->next_name) {
        const std::string& name = h->names[h->next_name];
        const auto st = fs_->stat(name == "." ? h->path : resolve(h->path + "/" + name));
        if (!st) {
            continue;
        }
        putString(entries, name);
        putString(entries, longName(name, *st));
        entries += attrsOf(*st);
        ++count;
    }
    Packet(kName, id).u32(count).raw(entries).to(reply);
}

void SftpServer::setStat(uint32_t id, uint8_t type, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string_view target = in.string();
    std::optional<uint64_t> size;
    const auto permissions = in.attrs(&size);
    if (!in.ok()) {
        ++counters_.bad_messages;
        return status(reply, id, BadMessage);
    }
    if (type == kFsetstat) {
        Handle* h = findHandle(target, false);
        if (h == nullptr) {
            return status(reply, id, Failure);
        }
        if (permissions) {
            h->mode = *permissions & 07777U;
        }
        if (size && h->writing) {
            if (*size > limits_.max_file_bytes ||
                (*size > h->data.size() && *size - h->data.size() + heldBytes() > limits_.max_held_bytes)) {
                ++counters_.refused;
                return status(reply, id, Failure, "File too large");
            }
            h->data.resize(static_cast<size_t>(*size), '\0');
            h->dirty = true;
        }
        if (permissions && fs_->stat(h->path)) {
            fs_->setMode(h->path, h->mode);
        }
        return status(reply, id, Ok);
    }
    const std::string path = resolve(target);
    if (path.empty() || !fs_->stat(path)) {
        return status(reply, id, NoSuchFile);
    }
    if (permissions) {
        fs_->setMode(path, *permissions & 07777U);
    }
    status(reply, id, Ok); // sizes and times of closed files: accepted, not kept
}

void SftpServer::rename(uint32_t id, std::string_view args, std::string& reply) {
    Reader in(args);
    const std::string from = resolve(in.string());
    const std::string to = resolve(in.string());
    if (!in.ok()) {
        ++counters_.bad_messages;
        return status(reply, id, BadMessage);
    }
    const auto st = from.empty() ? std::nullopt : fs_->stat(from);
    if (!st) {
        return status(reply, id, NoSuchFile);
    }
    if (to.empty() || fs_->stat(to) || st->directory) {
        return status(reply, id, Failure); // version 3: the target must not exist; directories stay put
    }
    const std::string content(fs_->read(from).value_or(""));
    const shell::FsStatus written = fs_->write(to, content, false);
    if (written != shell::FsStatus::Ok) {
        return status(reply, id, statusOf(written), std::string(shell::fsStatusText(written)));
    }
    fs_->setMode(to, st->mode);
    fs_->remove(from, false);
    status(reply, id, Ok);
}

void SftpServer::closeHandle(uint32_t id, std::string_view handle, std::string& reply) {
    auto it =
        std::find_if(handles_.begin(), handles_.end(), [&](const Handle& h) { return handleText(h.id) == handle; });
    if (it == handles_.end()) {
        ++counters_.bad_handles;
        return status(reply, id, Failure);
    }
    Handle h = std::move(*it);
    handles_.erase(it);
    if (!h.writing || !h.dirty) {
        return status(reply, id, Ok);
    }
    const shell::FsStatus stored = store_(h.path, h.data, h.mode);
    if (stored != shell::FsStatus::Ok) {
        ++counters_.refused;
        return status(reply, id, statusOf(stored), std::string(shell::fsStatusText(stored)));
    }
    ++counters_.files;
    status(reply, id, Ok);
}

void SftpServer::finish() {
    for (const Handle& h : handles_) {
        if (h.writing && h.dirty) {
            ++counters_.incomplete;
        }
    }
    handles_.clear();
    input_.clear();
}

} // namespace kansoku::honeypot::ssh

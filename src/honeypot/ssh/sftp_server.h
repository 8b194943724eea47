#pragma once

/// The SFTP subsystem of the SSH honeypot: SSH File Transfer Protocol version 3
/// (draft-ietf-secsh-filexfer-02, what OpenSSH's sftp-server speaks and its sftp and scp clients
/// use) over the session's in-memory filesystem. Pure logic: feed() takes the channel's bytes and
/// returns the replies. Every file opened for writing is held in memory (bounded) and, when closed,
/// handed whole to the StoreFn (the session's upload: sample store, limits). Paths resolve inside the
/// persona's filesystem ("../../etc" stays in it); nothing touches the host.
///
/// Requests: INIT, OPEN, CLOSE, READ, WRITE, LSTAT, FSTAT, SETSTAT, FSETSTAT, OPENDIR, READDIR,
/// REMOVE, MKDIR, RMDIR, REALPATH, STAT, RENAME; READLINK, SYMLINK answer FAILURE (no links here),
/// EXTENDED (no extensions are advertised) and unknown types OP_UNSUPPORTED.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/virtual_fs.h"

namespace kansoku::honeypot::ssh {

struct SftpLimits {
    /// Longest packet accepted (length field); a longer one is answered with BAD_MESSAGE and its
    /// bytes skipped without being held. OpenSSH's clients write 32 KiB per request.
    size_t max_packet = 64 * 1024 + 1024;
    size_t max_handles = 8;          ///< open files and directories at once
    size_t max_file_bytes = 2 << 20; ///< one file being written (offset + length)
    size_t max_held_bytes = 4 << 20; ///< bytes of all files open for writing
    size_t max_read = 64 * 1024;     ///< bytes returned per READ
    size_t max_names = 100;          ///< names per READDIR reply
};

/// Counted per subsystem (the SSH service adds them up).
struct SftpCounters {
    uint64_t requests = 0;
    uint64_t files = 0;        ///< files closed and kept (handed to the StoreFn)
    uint64_t refused = 0;      ///< writes or closes answered with an error by a limit
    uint64_t bad_handles = 0;  ///< requests naming no open handle of the right kind
    uint64_t bad_messages = 0; ///< truncated or oversized packets, requests before INIT
    uint64_t unsupported = 0;  ///< EXTENDED, links, unknown types
    uint64_t incomplete = 0;   ///< files still open for writing when the channel ended (not kept)
};

class SftpServer {
public:
    /// Keeps a complete file; a status other than Ok is answered as FAILURE (the device's error).
    using StoreFn = std::function<shell::FsStatus(const std::string& path, std::string_view content, uint32_t mode)>;

    /// `home`: where relative paths start (the persona's home, as sftp-server starts in $HOME).
    SftpServer(shell::VirtualFs& fs, std::string home, SftpLimits limits, StoreFn store);

    /// The client's bytes; appends the replies to `reply`. False when the channel should close (a
    /// request before INIT, or a length field of zero).
    bool feed(std::string_view data, std::string& reply);
    /// The channel ended: files still open for writing are uploads that never finished (counted).
    void finish();

    const SftpCounters& counters() const { return counters_; }

private:
    struct Handle {
        uint32_t id = 0;
        bool directory = false;
        bool writing = false;
        bool dirty = false;
        uint32_t mode = 0644;
        std::string path;
        std::string data;               ///< a file open for writing: its bytes
        std::vector<std::string> names; ///< a directory: its entries (sorted), sent in order
        size_t next_name = 0;
    };

    bool packet(std::string_view body, std::string& reply);
    void request(uint8_t type, uint32_t id, std::string_view args, std::string& reply);
    std::string resolve(std::string_view path) const;
    /// The request's path, resolved; "" once answered (BAD_MESSAGE when the request was truncated,
    /// `parsed` false; FAILURE for a path over the length limit).
    std::string checkedPath(bool parsed, std::string_view raw, uint32_t id, std::string& reply);
    Handle* findHandle(std::string_view handle, bool directory);
    void closeHandle(uint32_t id, std::string_view handle, std::string& reply);
    void open(uint32_t id, std::string_view args, std::string& reply);
    void write(uint32_t id, std::string_view args, std::string& reply);
    void read(uint32_t id, std::string_view args, std::string& reply);
    void readDirectory(uint32_t id, std::string_view args, std::string& reply);
    void setStat(uint32_t id, uint8_t type, std::string_view args, std::string& reply);
    void rename(uint32_t id, std::string_view args, std::string& reply);
    size_t heldBytes() const;

    shell::VirtualFs* fs_;
    std::string home_;
    SftpLimits limits_;
    StoreFn store_;
    std::string input_; ///< bytes of an incomplete packet
    uint64_t skip_ = 0; ///< bytes of an oversized packet still to drop
    bool initialised_ = false;
    uint32_t next_handle_ = 1;
    std::vector<Handle> handles_;
    SftpCounters counters_;
};

} // namespace kansoku::honeypot::ssh

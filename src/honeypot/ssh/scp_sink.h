#pragma once

/// The receiving end of legacy SCP (the rcp protocol that `scp -O`, and every scp before OpenSSH 9.0,
/// runs over an exec channel as `scp -t TARGET`). Pure logic over the session's in-memory
/// filesystem: feed() takes the channel's bytes and returns the replies; each complete file goes to
/// the StoreFn (the session's upload: sample store, limits). Nothing touches the host.
///
/// The protocol (OpenSSH scp.c, sink(); there is no RFC): the sink sends a 0 byte, then reads
/// control lines from the source, each answered with a 0 byte (or 1 + "scp: message\n" for an error,
/// after which the source goes on with the next file):
///   `C<mode> <size> <name>\n` then <size> bytes and a 0 byte  a file (answered again after the bytes)
///   `D<mode> 0 <name>\n` ... `E\n`                             a directory (only with -r)
///   `T<mtime> 0 <atime> 0\n`                                   times of the next file (with -p)
///   1 or 2 + message + `\n`                                   the source's warning / fatal error
/// A line the sink cannot parse is fatal (OpenSSH's "protocol error: ..."): the sink answers with
/// the message and ends with exit status 1.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/shell/virtual_fs.h"

namespace kansoku::honeypot::ssh {

/// `scp [-v] [-r] [-p] [-d] -t [--] TARGET` as an SSH exec command (OpenSSH's toremote()).
struct ScpRequest {
    std::string target;
    bool recursive = false;     ///< -r: directories (D/E records) allowed
    bool preserve = false;      ///< -p: T records come
    bool target_is_dir = false; ///< -d: several files, the target must be a directory
};

/// The sink request in an exec command; nullopt when the command is anything else (source mode
/// `scp -f` included: that runs in the shell, where scp is "not found" on most devices).
std::optional<ScpRequest> parseScpCommand(std::string_view command);

/// Counted per sink (the SSH service adds them up).
struct ScpCounters {
    uint64_t files = 0;           ///< complete files handed to the StoreFn and kept
    uint64_t directories = 0;     ///< D records that made or entered a directory
    uint64_t refused = 0;         ///< files answered with an error (limit, bad path, not a directory)
    uint64_t protocol_errors = 0; ///< fatal: unparsable control line, too long, bad size or mode
    uint64_t incomplete = 0;      ///< the channel ended inside a control line or a file's bytes
};

class ScpSink {
public:
    /// Keeps a complete file; a status other than Ok is answered as the device's error.
    using StoreFn = std::function<shell::FsStatus(const std::string& path, std::string_view content, uint32_t mode)>;

    ScpSink(ScpRequest request, shell::VirtualFs& fs, std::string cwd, size_t max_file_bytes, StoreFn store);

    /// The first reply (a 0 byte: ready).
    std::string start();
    /// The source's bytes; appends the replies to `reply`. Returns false once the sink has ended
    /// (fatal error, or the source's fatal error): the channel then gets exitStatus() and closes.
    bool feed(std::string_view data, std::string& reply);
    /// The channel's input ended (the source is done): what was incomplete is counted.
    void finish();
    /// 0 when every file was kept, 1 otherwise (as OpenSSH's sink exits).
    int exitStatus() const { return errors_ ? 1 : 0; }

    const ScpCounters& counters() const { return counters_; }

    /// Longest control line accepted (OpenSSH's sink reads into a 2048-byte buffer).
    static constexpr size_t kMaxLine = 2048;
    /// Directory nesting accepted under the target.
    static constexpr size_t kMaxDepth = 16;

private:
    enum class State : uint8_t { Line, Data, DataEnd, Done };

    bool controlLine(std::string_view line, std::string& reply);
    bool fatal(std::string_view message, std::string& reply);
    void error(std::string_view message, std::string& reply);
    /// Where a C/D record named `name` goes; empty (and the error answered) when nowhere.
    std::string destination(std::string_view name, bool directory, std::string& reply);
    void fileDone(std::string& reply);

    ScpRequest request_;
    shell::VirtualFs* fs_;
    std::string cwd_;
    size_t max_file_bytes_;
    StoreFn store_;
    State state_ = State::Line;
    std::string line_;
    std::vector<std::string> directories_; ///< entered with D records
    std::string file_path_;                ///< the file being received ("" when it is discarded)
    std::string file_;                     ///< its bytes so far
    uint64_t remaining_ = 0;               ///< its bytes still to come
    uint32_t file_mode_ = 0644;
    bool errors_ = false;
    ScpCounters counters_;
};

} // namespace kansoku::honeypot::ssh

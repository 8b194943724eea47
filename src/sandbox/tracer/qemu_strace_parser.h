#pragma once

/// Turns qemu-user's syscall log (`qemu-arm-static -strace` or `-d strace -D FILE`) into the same
/// Observation the ptrace Tracer produces, for ARM/MIPS samples. Lines look like
///
///     27744 openat(AT_FDCWD,"/tmp/x.sh",O_WRONLY|O_CREAT|O_TRUNC,0755) = 4
///     27744 connect(4,{sin_family=AF_INET,sin_port=htons(53),sin_addr=inet_addr("192.0.2.53")}, 16) = -1 errno=101
///     (Network is unreachable) 27744 exit_group(3)
///
/// and may be cut or interleaved by threads (" = 0" on a line of its own). The log is written by the
/// sample's emulator, i.e. it is hostile input: the parser is a pure function over text, bounded in
/// line length and in what it records, and counts every line it cannot read (lines_malformed).
/// qemu prints some arguments only as addresses (connect/sendto on ARM, PR_SET_NAME's name): those
/// are recorded without the address or name.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "sandbox/tracer/observation.h"
#include "sandbox/tracer/observation_recorder.h"

namespace kansoku::sandbox {

class QemuStraceParser {
public:
    static constexpr std::size_t kMaxLineBytes = 4096;

    explicit QemuStraceParser(ObservationLimits limits = {});

    /// Feeds a chunk of the log (any split; a partial last line is kept for the next chunk).
    void feed(std::string_view text);
    /// Parses one complete line (without its newline).
    void feedLine(std::string_view line);
    /// Flushes a partial last line and returns the observation.
    Observation finish();

private:
    void handleCall(int pid, std::string_view name, std::string_view args, bool has_result, long result);

    ObservationRecorder recorder_;
    std::string partial_;
    bool partial_overflow_ = false;
    bool have_root_ = false;
    std::map<int, std::map<long, std::size_t>> fds_; ///< pid -> fd -> index in files (write opens)
};

/// Parses a whole log.
Observation parseQemuStrace(std::string_view text, ObservationLimits limits = {});

} // namespace kansoku::sandbox

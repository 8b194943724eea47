// Fuzzes the sandbox tracer's qemu-user syscall-log parser (sandbox/tracer/qemu_strace_parser.h): the
// log is written by the emulator running a sample, so every byte of it is hostile. Checks that the
// parser stays within its limits, that feeding the log in chunks gives the same Observation as feeding
// it whole, and that the Observation serialises to JSON (printable ASCII only).
//
// Input: any bytes, read as a log ("PID call(args) = ret" lines).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "sandbox/tracer/qemu_strace_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) {
        return -1;
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    kansoku::sandbox::ObservationLimits limits;
    limits.max_events = 64;
    limits.max_processes = 16;
    limits.max_string_bytes = 128;
    limits.max_argv = 8;
    limits.max_destinations = 8;
    const kansoku::sandbox::Observation whole = kansoku::sandbox::parseQemuStrace(text, limits);

    const std::size_t events = whole.files.size() + whole.network.size() + whole.signals.size() + whole.renames.size() +
                               whole.persistence.size();
    FUZZ_CHECK(events <= limits.max_events);
    FUZZ_CHECK(whole.processes.size() <= limits.max_processes);
    FUZZ_CHECK(whole.sends.size() <= limits.max_destinations);
    for (const auto& process : whole.processes) {
        FUZZ_CHECK(process.execs.size() <= limits.max_execs_per_process);
        for (const auto& exec : process.execs) {
            FUZZ_CHECK(exec.argv.size() <= limits.max_argv && exec.path.size() <= limits.max_string_bytes);
        }
    }
    for (const auto& file : whole.files) {
        FUZZ_CHECK(file.path.size() <= limits.max_string_bytes && file.target.size() <= limits.max_string_bytes);
    }

    // Chunked feeding (split at a point taken from the input) must not change the result.
    kansoku::sandbox::QemuStraceParser parser(limits);
    const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
    parser.feed(text.substr(0, split));
    parser.feed(text.substr(split));
    const std::string dumped = whole.toJson().dump();
    FUZZ_CHECK(parser.finish().toJson().dump() == dumped);
    for (const char c : dumped) {
        FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
    }
    return 0;
}

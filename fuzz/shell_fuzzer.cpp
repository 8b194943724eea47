// Fuzzes the emulated BusyBox shell (src/honeypot/shell): the command-line parser, word expansion,
// echo/printf escapes, redirections, the copy-on-write filesystem and every command.
//
// Input: command lines separated by '\n' (at most 64), each run through one Shell in turn, as a
// telnet session would. The persona is built in (a copy of the MIPS router's essentials, so the
// target needs no file); the limits are small so that every bound is reached often. Checked after
// each line: output, files and overlay within their limits, paths absolute, per-run limit counts
// adding up to the session's totals, and the persona never changed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "honeypot/shell/persona.h"
#include "honeypot/shell/shell.h"

namespace {

using kansoku::honeypot::shell::LimitCounts;
using kansoku::honeypot::shell::Persona;
using kansoku::honeypot::shell::Shell;
using kansoku::honeypot::shell::ShellLimits;

constexpr const char* kPersona = R"(
name = "fuzz-mips"
hostname = "TL-WR841N"
home = "/root"
shell_name = "-sh"
prompt = "root@{hostname}:{cwd}# "
directories = ["/tmp", "/var/run", "/mnt", "/dev", "/etc"]
ps = "  PID USER       VSZ STAT COMMAND\n    1 root      1472 S    init\n"
[uname]
release = "3.3.8"
version = "#1 Mon Mar 16 10:53:11 CST 2015"
machine = "mips"
[busybox]
banner = "BusyBox v1.19.4 (2015-03-16 10:47:28 CST) multi-call binary."
help = "Currently defined functions:\n"
applets = ["[", "ash", "cat", "chmod", "cp", "dd", "echo", "ftpget", "grep", "head", "kill", "ls", "mkdir", "mv",
           "printf", "ps", "rm", "sh", "sleep", "tftp", "touch", "uname", "wget"]
elf_header = "7f454c46010201000000000000000000 0002 0008 00000001 00404f90 00000034 0005e130 70001007 0034 0020 0007 0028 0019 0018"
[files]
"/proc/cpuinfo" = "cpu model\t\t: MIPS 24Kc V7.4\n"
"/proc/mounts" = "rootfs / rootfs rw 0 0\n"
"/etc/passwd" = "root:x:0:0:root:/root:/bin/sh\n"
)";

const std::shared_ptr<const Persona>& persona() {
    static const std::shared_ptr<const Persona> p = [] {
        auto parsed = Persona::parse(kPersona, "fuzz persona");
        FUZZ_CHECK(parsed.has_value());
        return std::make_shared<const Persona>(std::move(*parsed));
    }();
    return p;
}

ShellLimits smallLimits() {
    ShellLimits limits;
    limits.fs.max_total_bytes = 64 << 10;
    limits.fs.max_file_bytes = 16 << 10;
    limits.fs.max_entries = 64;
    limits.fs.max_path_length = 128;
    limits.max_line_bytes = 8 << 10;
    limits.max_output_bytes = 16 << 10;
    limits.max_commands_per_run = 128;
    limits.max_script_depth = 3;
    limits.max_variables = 8;
    limits.max_variable_bytes = 64;
    return limits;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > (256 << 10)) {
        return -1;
    }
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const ShellLimits limits = smallLimits();
    const std::string cpuinfo = persona()->files.at("/proc/cpuinfo").content;
    Shell shell(persona(), limits);
    LimitCounts sum;
    size_t start = 0;
    for (int line_no = 0; line_no < 64 && start <= input.size(); ++line_no) {
        const size_t end = std::min(input.find('\n', start), input.size());
        const auto result = shell.run(input.substr(start, end - start));
        start = end + 1;
        sum.merge(result.limits);

        FUZZ_CHECK(result.output.size() <= limits.max_output_bytes);
        FUZZ_CHECK(result.commands.size() <= limits.max_commands_per_run);
        FUZZ_CHECK(shell.filesystem().overlayBytes() <= limits.fs.max_total_bytes);
        FUZZ_CHECK(shell.filesystem().overlayEntries() <= limits.fs.max_entries);
        FUZZ_CHECK(!shell.cwd().empty() && shell.cwd()[0] == '/' && shell.cwd().size() <= limits.fs.max_path_length);
        for (const auto& file : result.files_written) {
            FUZZ_CHECK(!file.path.empty() && file.path[0] == '/');
            FUZZ_CHECK(!file.content.empty() && file.content.size() <= limits.fs.max_file_bytes);
        }
        for (const auto& download : result.downloads) {
            FUZZ_CHECK(!download.url.empty() && !download.tool.empty());
            FUZZ_CHECK(download.output_path == "-" || !download.output_path.empty());
        }
        for (const auto& execution : result.executions) {
            FUZZ_CHECK(!execution.path.empty() && execution.path[0] == '/' && !execution.argv.empty());
        }
        if (!result.downloads.empty() && result.downloads[0].output_path[0] == '/') {
            // What the downloader would hand back: a chunk of the input itself.
            shell.provideFile(result.downloads[0].output_path, input.substr(0, std::min<size_t>(size, 4096)));
        }
        if (result.exit_requested) {
            break;
        }
    }
    for (size_t i = 0; i < sum.counts.size(); ++i) {
        FUZZ_CHECK(sum.counts[i] <= shell.limitTotals().counts[i]); // provideFile may add to the totals only
    }
    FUZZ_CHECK(persona()->files.at("/proc/cpuinfo").content == cpuinfo); // shared and read-only
    return 0;
}

#pragma once

/// An IoT device persona: everything the emulated shell shows that identifies a device (hostname,
/// uname, /proc files, the BusyBox banner and applets, the ELF header of /bin/busybox). Personas are
/// data (rules/personas/*.toml) so each sensor can vary its fingerprint. One Persona is loaded once
/// and shared read-only by every session (the sessions' filesystems are overlays on top of it).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku::honeypot::shell {

/// A file or directory of the persona's read-only base filesystem.
struct PersonaNode {
    bool directory = false;
    uint32_t mode = 0644; ///< permission bits only
    std::string content;
};

/// The fields `uname` prints (`uname -a` = sysname nodename release version machine os).
struct UnameInfo {
    std::string sysname = "Linux";
    std::string release;
    std::string version;
    std::string machine;
    std::string os = "GNU/Linux";
};

struct Persona {
    std::string name;
    std::string hostname;
    std::string user = "root";
    std::string home = "/root";
    std::string shell_name = "sh"; ///< ash's $0 in error messages: "-sh" for a login shell
    std::string prompt = "# ";     ///< {user} {hostname} {cwd} are substituted
    UnameInfo uname;
    std::string busybox_banner;       ///< first line of `busybox`: "BusyBox v1.19.4 (...) multi-call binary."
    std::string busybox_help;         ///< text between the banner and the applet list
    std::vector<std::string> applets; ///< sorted
    std::string busybox_elf;          ///< leading bytes of /bin/busybox (an ELF header)
    std::string ps;                   ///< `ps` output
    /// Absolute normalised path -> node; every parent directory is present.
    std::map<std::string, PersonaNode, std::less<>> files;

    bool hasApplet(std::string_view name) const;
    /// A pid in the `ps` text (the first column of a line).
    bool hasProcess(int pid) const;

    /// Parses a persona from TOML text; `origin` names it in error messages.
    static Result<Persona> parse(std::string_view toml_text, std::string_view origin);
    /// Reads and parses a persona file.
    static Result<Persona> load(const std::string& path);
};

/// ELF e_machine for a uname machine string (mips, mipsel, armv7l, ...); 0 when unknown.
uint16_t elfMachineFor(std::string_view uname_machine);

} // namespace kansoku::honeypot::shell

#include "sandbox/jail/jail_root.h"

#include <fstream>
#include <system_error>

namespace kansoku::sandbox {
namespace fs = std::filesystem;
namespace {

// Applets an IoT device's BusyBox usually offers (and that bots call: wget, tftp, chmod, kill, ps ...).
constexpr const char* kApplets[] = {
    "sh",      "ash", "cat",   "chmod", "chown", "cp",     "cut",      "date",   "dd",       "df",     "dmesg",
    "echo",    "env", "false", "free",  "grep",  "head",   "hostname", "id",     "ifconfig", "ip",     "kill",
    "killall", "ln",  "ls",    "mkdir", "mount", "mv",     "netstat",  "nc",     "ping",     "ps",     "pwd",
    "reboot",  "rm",  "rmdir", "route", "sed",   "sleep",  "sort",     "stat",   "tail",     "tar",    "telnet",
    "tftp",    "top", "touch", "true",  "uname", "uptime", "wc",       "wget",   "which",    "whoami", "yes",
    "test",    "[",   "awk",   "find",  "xargs", "seq",    "tr",       "md5sum", "sync",     "nproc",
};

Result<void> writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        return fail("jail root: cannot write {}", path.string());
    }
    return {};
}

Result<void> makeDirs(const fs::path& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) {
        return fail("jail root: cannot create {}: {}", path.string(), ec.message());
    }
    return {};
}

} // namespace

const std::vector<std::string>& jailDeviceNodes() {
    static const std::vector<std::string> kNodes = {"null", "zero", "urandom", "random", "tty"};
    return kNodes;
}

std::string jailQemuPath(const std::string& qemu_path) {
    return "/usr/bin/" + fs::path(qemu_path).filename().string();
}

bool isCleanJailPath(const std::string& path) {
    if (path.size() < 2 || path.front() != '/' || path.back() == '/') {
        return false;
    }
    for (const auto& part : fs::path(path).relative_path()) {
        if (part == "." || part == ".." || part.empty()) {
            return false;
        }
    }
    return path.find("//") == std::string::npos;
}

Result<void> buildJailRoot(const fs::path& root, const JailRootSpec& spec) {
    for (const char* dir : {"bin", "sbin", "usr/bin", "usr/sbin", "etc", "dev", "proc", "tmp", "var/run", "root",
                            "home", "lib", "mnt", "etc/init.d"}) {
        KANSOKU_TRY(makeDirs(root / dir));
    }
    std::error_code ec;
    fs::copy_file(spec.busybox_path, root / "bin/busybox", fs::copy_options::overwrite_existing, ec);
    if (ec) {
        return fail("jail root: cannot copy busybox {}: {}", spec.busybox_path, ec.message());
    }
    fs::permissions(root / "bin/busybox", fs::perms(0755), ec);
    for (const char* applet : kApplets) {
        fs::create_symlink("busybox", root / "bin" / applet, ec);
        if (ec) {
            return fail("jail root: applet link {}: {}", applet, ec.message());
        }
    }
    for (const std::string& node : jailDeviceNodes()) {
        KANSOKU_TRY(writeFile(root / "dev" / node, "")); // mount point for the host node's bind mount
    }
    for (const std::string& dir : spec.writable_dirs) {
        if (!isCleanJailPath(dir)) {
            return fail("jail root: writable dir '{}' is not a clean absolute path", dir);
        }
        KANSOKU_TRY(makeDirs(root / dir.substr(1)));
    }
    KANSOKU_TRY(writeFile(root / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                               "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                                               "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"));
    KANSOKU_TRY(writeFile(root / "etc/group", "root:x:0:\nnogroup:x:65534:\n"));
    KANSOKU_TRY(writeFile(root / "etc/hostname", spec.hostname + "\n"));
    // Real bots hard-code 8.8.8.8; the fake network answers whichever resolver they use.
    KANSOKU_TRY(writeFile(root / "etc/resolv.conf", "nameserver 8.8.8.8\n"));
    KANSOKU_TRY(writeFile(root / "etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + spec.hostname + "\n"));
    KANSOKU_TRY(writeFile(root / "etc/inittab", "::sysinit:/etc/init.d/rcS\n"));
    if (!spec.qemu_path.empty()) {
        const fs::path target = root / jailQemuPath(spec.qemu_path).substr(1);
        fs::copy_file(spec.qemu_path, target, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            return fail("jail root: cannot copy emulator {}: {}", spec.qemu_path, ec.message());
        }
        fs::permissions(target, fs::perms(0755), ec);
    }
    return {};
}

} // namespace kansoku::sandbox

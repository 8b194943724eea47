#pragma once

/// Builds the jail's root directory on the host: BusyBox (static) with applet links, a minimal /etc,
/// mount points for /proc, /dev nodes and the writable directories, and optionally a qemu-user-static
/// binary. The child bind-mounts this tree read-only and pivot_roots into it (jail.cpp).

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace kansoku::sandbox {

struct JailRootSpec {
    std::string busybox_path = "/bin/busybox";
    std::string hostname = "DVR-7716";
    std::vector<std::string> writable_dirs; ///< absolute paths inside the jail (mount points)
    std::string qemu_path;                  ///< host path of the emulator; empty = none
};

/// /dev nodes the child bind-mounts (read-only mount, the nodes themselves stay usable) from the host.
const std::vector<std::string>& jailDeviceNodes();

/// Where the emulator lives inside the jail for a host qemu path ("/usr/bin/<name>").
std::string jailQemuPath(const std::string& qemu_path);

/// Creates the tree under `root` (which must exist and be empty).
Result<void> buildJailRoot(const std::filesystem::path& root, const JailRootSpec& spec);

/// True for an absolute, normalised path with no "." or ".." parts and not "/" itself.
bool isCleanJailPath(const std::string& path);

} // namespace kansoku::sandbox

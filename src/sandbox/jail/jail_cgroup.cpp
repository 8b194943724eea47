#include "sandbox/jail/jail_cgroup.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kansoku::sandbox {

namespace {

std::string readControl(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);
    return text;
}

bool hasWord(const std::string& words, const std::string& word) {
    std::istringstream in(words);
    std::string w;
    while (in >> w) {
        if (w == word) {
            return true;
        }
    }
    return false;
}

} // namespace

Result<void> detail::writeControlFile(const std::string& path, const std::string& text) {
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail("cannot open {}: {}", path, std::strerror(errno));
    }
    const ssize_t n = write(fd, text.data(), text.size());
    const int err = errno;
    close(fd);
    if (n != static_cast<ssize_t>(text.size())) {
        return fail("cannot write {}: {}", path, std::strerror(err));
    }
    return {};
}

int cgroupV1Hierarchy(const std::string& proc_cgroups, const std::string& controller) {
    std::istringstream rows(proc_cgroups);
    std::string row;
    while (std::getline(rows, row)) {
        std::istringstream fields(row);
        std::string name;
        int hierarchy = 0;
        if (fields >> name >> hierarchy && name == controller) {
            return hierarchy;
        }
    }
    return 0;
}

std::string cgroup2Mount() {
    // mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" (proc(5)).
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        const auto dash = line.find(" - ");
        if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) {
            continue;
        }
        std::istringstream fields(line.substr(0, dash));
        std::string id, parent, device, root, mount_point;
        if (fields >> id >> parent >> device >> root >> mount_point) {
            return mount_point;
        }
    }
    return {};
}

Result<JailCgroup> createJailCgroup(const std::string& parent_dir, const std::string& name, const JailLimits& limits) {
    const std::string parent = parent_dir.empty() ? cgroup2Mount() : parent_dir;
    if (parent.empty()) {
        return fail("no cgroup2 hierarchy is mounted");
    }
    const std::string offered = readControl(parent + "/cgroup.controllers");
    for (const char* needed : {"memory", "pids"}) {
        if (!hasWord(offered, needed)) {
            std::ifstream in("/proc/cgroups");
            const std::string proc_cgroups{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            const int v1 = cgroupV1Hierarchy(proc_cgroups, needed);
            return fail("{}: the {} controller is not delegated here (offered: '{}'){}", parent, needed, offered,
                        v1 > 0 ? fmt::format("; it is bound to cgroup v1 hierarchy {}", v1) : "");
        }
    }
    const bool cpu = hasWord(offered, "cpu");
    const std::string enabled = readControl(parent + "/cgroup.subtree_control");
    std::string enable;
    for (const char* controller : {"memory", "pids", "cpu"}) {
        if (hasWord(offered, controller) && !hasWord(enabled, controller)) {
            enable += std::string(enable.empty() ? "+" : " +") + controller;
        }
    }
    if (!enable.empty()) {
        if (auto written = detail::writeControlFile(parent + "/cgroup.subtree_control", enable); !written) {
            return fail("{}: cannot enable {} for child cgroups ({})", parent, enable, written.error().message);
        }
    }
    JailCgroup cgroup;
    cgroup.path = parent + "/kansoku-jail-" + name;
    if (mkdir(cgroup.path.c_str(), 0755) != 0) {
        return fail("cgroup {}: {}", cgroup.path, std::strerror(errno));
    }
    auto configure = [&]() -> Result<void> {
        KANSOKU_TRY(detail::writeControlFile(cgroup.path + "/memory.max", std::to_string(limits.address_space_bytes)));
        KANSOKU_TRY(detail::writeControlFile(cgroup.path + "/memory.swap.max", "0"));
        KANSOKU_TRY(detail::writeControlFile(cgroup.path + "/pids.max", std::to_string(limits.processes)));
        if (cpu) {
            constexpr uint64_t kPeriodUs = 100000;
            KANSOKU_TRY(detail::writeControlFile(cgroup.path + "/cpu.max",
                                                 std::to_string(limits.cpu_percent * kPeriodUs / 100) + " " +
                                                     std::to_string(kPeriodUs)));
        }
        return {};
    };
    if (auto configured = configure(); !configured) {
        rmdir(cgroup.path.c_str());
        return fail("{}", configured.error().message);
    }
    cgroup.cpu = cpu;
    return cgroup;
}

} // namespace kansoku::sandbox

#pragma once

// What sandbox tests need before they run a jail: root, user namespaces, the static BusyBox, and the
// outer safety net (this test process in a private network namespace with only loopback).

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "sandbox/jail/private_network.h"

namespace kansoku::testing {

/// Why the sandbox cannot run here ("" when it can). The first call moves the (still
/// single-threaded) test process into a private network namespace; later calls repeat its answer.
inline std::string sandboxSkipReason() {
    static const std::string reason = [] {
        if (geteuid() != 0) {
            return std::string("sandbox tests need root (namespaces, mounts, id maps, ptrace)");
        }
        std::ifstream in("/proc/sys/user/max_user_namespaces");
        std::stringstream text;
        text << in.rdbuf();
        if (std::atol(text.str().c_str()) <= 0) {
            return std::string("user namespaces are disabled (/proc/sys/user/max_user_namespaces)");
        }
        if (access("/bin/busybox", X_OK) != 0) {
            return std::string("/bin/busybox missing (Debian busybox-static)");
        }
        auto entered = sandbox::enterPrivateNetwork();
        return entered ? std::string() : entered.error().message;
    }();
    return reason;
}

} // namespace kansoku::testing

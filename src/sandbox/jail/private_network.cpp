#include "sandbox/jail/private_network.h"

#include <cerrno>
#include <cstring>

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kansoku::sandbox {

Result<void> enterPrivateNetwork() {
    if (::unshare(CLONE_NEWNET) != 0) {
        return fail("unshare(CLONE_NEWNET): {}", std::strerror(errno));
    }
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
    if (up) {
        ifr.ifr_flags |= IFF_UP;
        up = ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    if (!up) {
        return fail("cannot bring lo up in the private network namespace");
    }
    return {};
}

} // namespace kansoku::sandbox

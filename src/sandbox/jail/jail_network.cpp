#include "sandbox/jail/jail_network.h"

#include <cerrno>
#include <cstring>

#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kansoku::sandbox::detail {
namespace {

void copyName(char (&dst)[IFNAMSIZ], const char* name) {
    std::memset(dst, 0, IFNAMSIZ);
    for (size_t i = 0; i + 1 < IFNAMSIZ && name[i] != '\0'; ++i) {
        dst[i] = name[i];
    }
}

int setUp(int sock, const char* name) {
    ifreq ifr{};
    copyName(ifr.ifr_name, name);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) {
        return -errno;
    }
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) {
        return -errno;
    }
    return 0;
}

void setSockaddr(sockaddr* out, uint32_t address) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = address;
    std::memcpy(out, &in, sizeof(in));
}

} // namespace

int bringLoopbackUp() {
    const int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return -errno;
    }
    const int rc = setUp(sock, "lo");
    close(sock);
    return rc;
}

int configureTun(int tun_fd, const char* name, uint32_t address, uint32_t netmask, uint32_t gateway) {
    ifreq ifr{};
    copyName(ifr.ifr_name, name);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (ioctl(tun_fd, TUNSETIFF, &ifr) != 0) {
        return -errno;
    }
    const int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return -errno;
    }
    int rc = 0;
    ifreq addr{};
    copyName(addr.ifr_name, name);
    setSockaddr(&addr.ifr_addr, address);
    ifreq mask{};
    copyName(mask.ifr_name, name);
    setSockaddr(&mask.ifr_netmask, netmask);
    if (ioctl(sock, SIOCSIFADDR, &addr) != 0 || ioctl(sock, SIOCSIFNETMASK, &mask) != 0) {
        rc = -errno;
    } else if ((rc = setUp(sock, name)) == 0) {
        rtentry route{};
        setSockaddr(&route.rt_dst, 0);
        setSockaddr(&route.rt_genmask, 0);
        setSockaddr(&route.rt_gateway, gateway);
        route.rt_flags = RTF_UP | RTF_GATEWAY;
        char dev[IFNAMSIZ];
        copyName(dev, name);
        route.rt_dev = dev;
        if (ioctl(sock, SIOCADDRT, &route) != 0) {
            rc = -errno;
        }
    }
    close(sock);
    return rc;
}

} // namespace kansoku::sandbox::detail

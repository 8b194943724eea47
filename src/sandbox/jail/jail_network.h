#pragma once

/// Network set-up the jail's child does inside its fresh network namespace, before pivot_root. Plain
/// ioctls only (async-signal-safe: the child runs after a raw clone and must not allocate).

#include <cstdint>

namespace kansoku::sandbox::detail {

/// Brings `lo` up. Returns 0 or -errno.
int bringLoopbackUp();

/// Turns an open /dev/net/tun fd into the TUN device `name` (IFF_TUN | IFF_NO_PI), gives it `address`/`netmask`
/// (network byte order), brings it up and adds a default route via `gateway`. Returns 0 or -errno.
int configureTun(int tun_fd, const char* name, uint32_t address, uint32_t netmask, uint32_t gateway);

} // namespace kansoku::sandbox::detail

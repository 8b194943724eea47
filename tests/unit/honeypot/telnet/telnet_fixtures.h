#pragma once

// Byte-exact captures of real telnet clients connecting to a logging server on 127.0.0.1
// (capture_negotiation.py, Debian 12: telnet 0.17+2.4-2+deb12u3 (netkit), busybox 1:1.35.0-4+deb12u1).
// Each client typed "root" Enter "xc3511" Enter in a pty of 80x24; the server either stayed
// silent or sent BusyBox telnetd's greeting (IAC DO ECHO, DO NAWS, WILL ECHO, WILL SGA).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace kansoku::honeypot::telnet::fixtures {

/// What BusyBox telnetd writes at connect.
inline constexpr std::string_view kBusyBoxGreeting = "fffd01fffd1ffffb01fffb03";

/// netkit telnet to a non-23 port (no negotiation of its own), BusyBox greeting: WONT ECHO,
/// WILL NAWS, SB NAWS 80x24, DO ECHO, DO SGA, then character mode with Enter as CR NUL.
inline constexpr std::string_view kNetkitToBusyBox = "fffc01fffb1ffffa1f00500018fff0fffd01fffd03"
                                                     "726f6f740d00"
                                                     "7863333531310d00";
/// busybox telnet, BusyBox greeting: the same negotiation, Enter as CR LF.
inline constexpr std::string_view kBusyBoxClientToBusyBox = "fffc01fffb1ffffa1f00500018fff0fffd01fffd03"
                                                            "726f6f740d0a"
                                                            "7863333531310d0a";
/// netkit telnet to port 23 (it opens negotiation itself), silent server: DO ENCRYPT, WILL ENCRYPT,
/// DO SGA, WILL TTYPE, WILL NAWS, WILL TSPEED, WILL LFLOW, WILL LINEMODE, WILL NEW-ENVIRON,
/// DO STATUS; then line mode (CR LF) and IAC EOF when its input ended.
inline constexpr std::string_view kNetkitPort23Silent = "fffd26fffb26fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05"
                                                        "726f6f740d0a"
                                                        "7863333531310d0a"
                                                        "ffec";
/// netkit telnet to port 23, BusyBox greeting: its opening, then WONT ECHO, SB NAWS 80x24, DO ECHO.
inline constexpr std::string_view kNetkitPort23ToBusyBox =
    "fffd26fffb26fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffc01fffa1f00500018fff0fffd01"
    "726f6f740d00"
    "7863333531310d00";

using kansoku::testing::fromHex;
using kansoku::testing::toHex;

inline std::vector<uint8_t> bytesOf(std::string_view text) {
    return {text.begin(), text.end()};
}

} // namespace kansoku::honeypot::telnet::fixtures

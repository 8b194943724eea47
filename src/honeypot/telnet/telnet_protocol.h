#pragma once

/// Telnet command and option codes: RFC 854 (commands), RFC 855 (option negotiation and
/// subnegotiation), RFC 857 ECHO, RFC 858 SUPPRESS-GO-AHEAD, RFC 1091 TERMINAL-TYPE, RFC 1073 NAWS,
/// RFC 1184 LINEMODE, RFC 1572 NEW-ENVIRON.

#include <cstdint>

namespace kansoku::honeypot::telnet {

namespace cmd {
inline constexpr uint8_t kEof = 236;   ///< RFC 1184 EOF (sent by netkit telnet in line mode on ^D)
inline constexpr uint8_t kSusp = 237;  ///< RFC 1184 SUSP
inline constexpr uint8_t kAbort = 238; ///< RFC 1184 ABORT
inline constexpr uint8_t kEor = 239;   ///< RFC 885 end of record
inline constexpr uint8_t kSe = 240;    ///< end of subnegotiation
inline constexpr uint8_t kNop = 241;
inline constexpr uint8_t kDm = 242;  ///< data mark
inline constexpr uint8_t kBrk = 243; ///< break
inline constexpr uint8_t kIp = 244;  ///< interrupt process
inline constexpr uint8_t kAo = 245;  ///< abort output
inline constexpr uint8_t kAyt = 246; ///< are you there
inline constexpr uint8_t kEc = 247;  ///< erase character
inline constexpr uint8_t kEl = 248;  ///< erase line
inline constexpr uint8_t kGa = 249;  ///< go ahead
inline constexpr uint8_t kSb = 250;  ///< begin subnegotiation
inline constexpr uint8_t kWill = 251;
inline constexpr uint8_t kWont = 252;
inline constexpr uint8_t kDo = 253;
inline constexpr uint8_t kDont = 254;
inline constexpr uint8_t kIac = 255; ///< interpret as command
} // namespace cmd

namespace opt {
inline constexpr uint8_t kBinary = 0;
inline constexpr uint8_t kEcho = 1;
inline constexpr uint8_t kSga = 3; ///< suppress go ahead
inline constexpr uint8_t kStatus = 5;
inline constexpr uint8_t kTtype = 24; ///< terminal type
inline constexpr uint8_t kNaws = 31;  ///< negotiate about window size
inline constexpr uint8_t kTspeed = 32;
inline constexpr uint8_t kLflow = 33;
inline constexpr uint8_t kLinemode = 34;
inline constexpr uint8_t kXdisploc = 35;
inline constexpr uint8_t kNewEnviron = 39;
inline constexpr uint8_t kEncrypt = 38;
} // namespace opt

/// Subnegotiation qualifiers (RFC 1091, RFC 1572).
namespace sb {
inline constexpr uint8_t kIs = 0;
inline constexpr uint8_t kSend = 1;
inline constexpr uint8_t kInfo = 2;
/// NEW-ENVIRON type codes (RFC 1572).
inline constexpr uint8_t kVar = 0;
inline constexpr uint8_t kValue = 1;
inline constexpr uint8_t kEsc = 2;
inline constexpr uint8_t kUserVar = 3;
} // namespace sb

} // namespace kansoku::honeypot::telnet

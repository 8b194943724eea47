#pragma once

/// Per-session counters of everything a telnet session's parser met, and why a session ended.
/// Every limit hit is counted here (ARCHITECTURE.md "Safety"); the session server adds the
/// sessions' counters up with operator+=.

#include <cstdint>
#include <string_view>

namespace kansoku::honeypot::telnet {

struct TelnetCounters {
    uint64_t bytes_in = 0;                  ///< raw bytes fed, before IAC stripping
    uint32_t lines = 0;                     ///< complete input lines handed on
    uint32_t commands = 0;                  ///< two-byte IAC commands (NOP, AYT, IP, EC, EL, ...)
    uint32_t negotiations = 0;              ///< DO/DONT/WILL/WONT and SB ... SE, the flood limit's count
    uint32_t unknown_commands = 0;          ///< IAC followed by a byte that is no command, or a stray SE
    uint32_t line_overflows = 0;            ///< lines cut at max_line_length (the rest of the line dropped)
    uint32_t subnegotiation_overflows = 0;  ///< SB longer than max_subnegotiation_length (dropped)
    uint32_t malformed_subnegotiations = 0; ///< IAC <not SE, not IAC> inside SB, or SB without option
    uint32_t negotiation_floods = 0;        ///< more than max_negotiations: the session is closed

    TelnetCounters& operator+=(const TelnetCounters& other) {
        bytes_in += other.bytes_in;
        lines += other.lines;
        commands += other.commands;
        negotiations += other.negotiations;
        unknown_commands += other.unknown_commands;
        line_overflows += other.line_overflows;
        subnegotiation_overflows += other.subnegotiation_overflows;
        malformed_subnegotiations += other.malformed_subnegotiations;
        negotiation_floods += other.negotiation_floods;
        return *this;
    }
};

/// Why a telnet session asks to be closed.
enum class CloseReason : uint8_t {
    None,             ///< still open
    NegotiationFlood, ///< more option negotiations than TelnetCodecOptions::max_negotiations
    LoginFailed,      ///< LoginFlowOptions::max_attempts wrong passwords ("Login incorrect" each)
    EmptyUsernames,   ///< LoginFlowOptions::max_empty_usernames empty lines at "login: "
    HandlerClosed,    ///< the shell asked for it (`exit`)
};

constexpr std::string_view toString(CloseReason reason) {
    switch (reason) {
    case CloseReason::None:
        return "none";
    case CloseReason::NegotiationFlood:
        return "negotiation_flood";
    case CloseReason::LoginFailed:
        return "login_failed";
    case CloseReason::EmptyUsernames:
        return "empty_usernames";
    case CloseReason::HandlerClosed:
        return "handler_closed";
    }
    return "unknown";
}

} // namespace kansoku::honeypot::telnet

#pragma once

/// The terminal's bytes in a telnet stream (RFC 854): commands, option negotiations and
/// subnegotiations removed, IAC IAC as one 0xFF byte, CR NUL as CR. For the session recording
/// (asciinema casts hold what the terminal showed and what was typed, not the telnet protocol).
/// One filter per direction; its state carries a sequence split across calls.

#include <cstdint>
#include <string>
#include <string_view>

namespace kansoku::honeypot::telnet {

class TelnetTextFilter {
public:
    /// Appends the data bytes of `bytes` to `out`.
    void filter(std::string_view bytes, std::string& out);

private:
    enum class State : uint8_t { Data, Iac, Option, Sb, SbIac, Cr };
    State state_ = State::Data;
};

} // namespace kansoku::honeypot::telnet

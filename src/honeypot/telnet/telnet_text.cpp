#include "honeypot/telnet/telnet_text.h"

#include "honeypot/telnet/telnet_protocol.h"

namespace kansoku::honeypot::telnet {

void TelnetTextFilter::filter(std::string_view bytes, std::string& out) {
    for (const char c : bytes) {
        const auto byte = static_cast<uint8_t>(c);
        switch (state_) {
        case State::Cr:
            state_ = State::Data;
            if (byte == 0) {
                continue; // CR NUL is a bare CR
            }
            [[fallthrough]];
        case State::Data:
            if (byte == cmd::kIac) {
                state_ = State::Iac;
            } else {
                out += c;
                state_ = byte == '\r' ? State::Cr : State::Data;
            }
            break;
        case State::Iac:
            if (byte == cmd::kIac) {
                out += c;
                state_ = State::Data;
            } else if (byte == cmd::kSb) {
                state_ = State::Sb;
            } else if (byte >= cmd::kWill && byte <= cmd::kDont) {
                state_ = State::Option;
            } else {
                state_ = State::Data; // a two-byte command (NOP, AYT, ...)
            }
            break;
        case State::Option:
            state_ = State::Data;
            break;
        case State::Sb:
            if (byte == cmd::kIac) {
                state_ = State::SbIac;
            }
            break;
        case State::SbIac:
            state_ = byte == cmd::kSe ? State::Data : State::Sb;
            break;
        }
    }
}

} // namespace kansoku::honeypot::telnet

#include "honeypot/telnet/telnet_codec.h"

#include <array>

#include "common/byte_reader.h"
#include "honeypot/telnet/telnet_protocol.h"

namespace kansoku::honeypot::telnet {

namespace {

/// RFC 1091: a terminal type name is at most 40 characters.
constexpr size_t kMaxTerminalType = 40;
constexpr size_t kMaxEnvironment = 1024;

void appendCommand(std::string& out, uint8_t verb, uint8_t option) {
    const char bytes[3] = {static_cast<char>(cmd::kIac), static_cast<char>(verb), static_cast<char>(option)};
    out.append(bytes, 3);
}

void appendSend(std::string& out, uint8_t option) {
    const char bytes[6] = {static_cast<char>(cmd::kIac), static_cast<char>(cmd::kSb),  static_cast<char>(option),
                           static_cast<char>(sb::kSend), static_cast<char>(cmd::kIac), static_cast<char>(cmd::kSe)};
    out.append(bytes, 6);
}

size_t heapOf(const std::string& s) {
    const std::string empty;
    return s.capacity() > empty.capacity() ? s.capacity() + 1 : 0;
}

/// Empties a buffer and gives its heap back, so an idle session holds none (an allocation per long
/// line is cheap next to 10,000 sessions each keeping its longest line's buffer).
void release(std::string& s) {
    if (s.capacity() > std::string().capacity()) {
        std::string().swap(s);
    } else {
        s.clear();
    }
}

bool isPrintable(uint8_t byte) {
    return byte >= 0x20 && byte < 0x7f;
}

} // namespace

TelnetCodec::TelnetCodec(const TelnetCodecOptions& options) : options_(&options) {}

void TelnetCodec::start(std::string& out) {
    if (options_->profile == TelnetProfile::BusyBox) {
        // networking/telnetd.c make_new_session(): iacs_to_send.
        appendCommand(out, cmd::kDo, opt::kEcho);
        appendCommand(out, cmd::kDo, opt::kNaws);
        appendCommand(out, cmd::kWill, opt::kEcho);
        appendCommand(out, cmd::kWill, opt::kSga);
        return;
    }
    appendCommand(out, cmd::kWill, opt::kEcho);
    appendCommand(out, cmd::kWill, opt::kSga);
    appendCommand(out, cmd::kDo, opt::kNaws);
    appendCommand(out, cmd::kDo, opt::kTtype);
    q_[LocalEcho] = Q::WantYes;
    q_[LocalSga] = Q::WantYes;
    q_[RemoteNaws] = Q::WantYes;
    q_[RemoteTtype] = Q::WantYes;
}

void TelnetCodec::close(CloseReason reason) {
    if (close_reason_ == CloseReason::None) {
        close_reason_ = reason;
    }
    state_ = State::Closed;
}

bool TelnetCodec::echoing() const {
    if (!echo_) {
        return false;
    }
    if (options_->profile == TelnetProfile::BusyBox) {
        return true; // telnetd's pty echoes whatever the client negotiated
    }
    return q_[LocalEcho] == Q::Yes || q_[LocalEcho] == Q::WantYes;
}

int TelnetCodec::slotFor(bool local, uint8_t option) {
    if (local) {
        switch (option) {
        case opt::kEcho:
            return LocalEcho;
        case opt::kSga:
            return LocalSga;
        default:
            return -1;
        }
    }
    switch (option) {
    case opt::kNaws:
        return RemoteNaws;
    case opt::kTtype:
        return RemoteTtype;
    case opt::kNewEnviron:
        return RemoteEnviron;
    default:
        return -1;
    }
}

bool TelnetCodec::localEnabled(uint8_t option) const {
    const int slot = slotFor(true, option);
    return slot >= 0 && q_[slot] == Q::Yes;
}

bool TelnetCodec::remoteEnabled(uint8_t option) const {
    const int slot = slotFor(false, option);
    return slot >= 0 && q_[slot] == Q::Yes;
}

size_t TelnetCodec::heapBytes() const {
    return heapOf(line_) + heapOf(sb_) + heapOf(terminal_type_) + heapOf(environment_);
}

bool TelnetCodec::feed(std::span<const uint8_t> input, std::string& out, LineHandler& lines) {
    if (state_ == State::Closed) {
        return false;
    }
    counters_.bytes_in += input.size();
    for (const uint8_t byte : input) {
        switch (state_) {
        case State::Data:
            if (byte == cmd::kIac) {
                state_ = State::Iac;
            } else {
                dataByte(byte, out, lines);
            }
            break;
        case State::Iac:
            state_ = State::Data;
            command(byte, out, lines);
            break;
        case State::Option:
            state_ = State::Data;
            negotiate(verb_, byte, out);
            break;
        case State::SbOption:
            sb_option_ = byte;
            sb_overflow_ = false;
            sb_.clear();
            state_ = State::SbData;
            break;
        case State::SbData:
            if (byte == cmd::kIac) {
                state_ = State::SbIac;
            } else if (sb_.size() < options_->max_subnegotiation_length) {
                sb_.push_back(static_cast<char>(byte));
            } else if (!sb_overflow_) {
                sb_overflow_ = true;
                ++counters_.subnegotiation_overflows;
            }
            break;
        case State::SbIac:
            if (byte == cmd::kSe) {
                state_ = State::Data;
                finishSubnegotiation(out);
            } else if (byte == cmd::kIac) {
                state_ = State::SbData;
                if (sb_.size() < options_->max_subnegotiation_length) {
                    sb_.push_back(static_cast<char>(cmd::kIac));
                } else if (!sb_overflow_) {
                    sb_overflow_ = true;
                    ++counters_.subnegotiation_overflows;
                }
            } else {
                // RFC 855 allows only IAC SE and IAC IAC here: drop the SB, read the byte as a command.
                ++counters_.malformed_subnegotiations;
                release(sb_);
                state_ = State::Data;
                command(byte, out, lines);
            }
            break;
        case State::Closed:
            return false;
        }
        if (state_ == State::Closed) {
            return false;
        }
    }
    return true;
}

void TelnetCodec::command(uint8_t byte, std::string& out, LineHandler& lines) {
    switch (byte) {
    case cmd::kIac:
        dataByte(cmd::kIac, out, lines); // IAC IAC: a data byte 255
        return;
    case cmd::kWill:
    case cmd::kWont:
    case cmd::kDo:
    case cmd::kDont:
        if (countNegotiation()) {
            verb_ = byte;
            state_ = State::Option;
        }
        return;
    case cmd::kSb:
        if (countNegotiation()) {
            state_ = State::SbOption;
        }
        return;
    case cmd::kEc:
        ++counters_.commands;
        eraseChar(out);
        return;
    case cmd::kEl:
        ++counters_.commands;
        eraseLine(out);
        return;
    case cmd::kSe:
        ++counters_.unknown_commands; // SE without SB
        return;
    default:
        break;
    }
    if (byte >= cmd::kEof) {
        ++counters_.commands; // NOP, DM, BRK, IP, AO, AYT, GA, EOR, ABORT, SUSP, EOF: nothing to do
    } else {
        ++counters_.unknown_commands;
    }
}

bool TelnetCodec::countNegotiation() {
    ++counters_.negotiations;
    if (counters_.negotiations > options_->max_negotiations) {
        counters_.negotiation_floods = 1;
        close(CloseReason::NegotiationFlood);
        return false;
    }
    return true;
}

void TelnetCodec::negotiate(uint8_t verb, uint8_t option, std::string& out) {
    if (options_->profile == TelnetProfile::BusyBox) {
        return; // telnetd's remove_iacs() skips every three-byte command without a reply
    }
    const bool local = verb == cmd::kDo || verb == cmd::kDont;
    const bool enable = verb == cmd::kWill || verb == cmd::kDo;
    const int slot = slotFor(local, option);
    const uint8_t agree = local ? cmd::kWill : cmd::kDo;
    const uint8_t refuse = local ? cmd::kWont : cmd::kDont;
    if (slot < 0) {
        // An option we never support is always No: refuse a request to enable, ignore the rest.
        if (enable) {
            appendCommand(out, refuse, option);
        }
        return;
    }
    Q& q = q_[slot];
    if (enable) {
        switch (q) {
        case Q::No:
            q = Q::Yes;
            appendCommand(out, agree, option);
            if (!local) {
                onRemoteEnabled(option, out);
            }
            break;
        case Q::WantYes:
            q = Q::Yes; // the peer agreed to our request: no reply
            if (!local) {
                onRemoteEnabled(option, out);
            }
            break;
        case Q::WantNo:
            q = Q::No; // RFC 1143: answered our disable with an enable, an error; stay off
            break;
        case Q::Yes:
            break; // already on: no reply, or we would loop
        }
        return;
    }
    switch (q) {
    case Q::Yes:
        q = Q::No;
        appendCommand(out, refuse, option);
        break;
    case Q::WantYes:
    case Q::WantNo:
        q = Q::No; // a refusal of our request, or the acknowledgement of our disable
        break;
    case Q::No:
        break;
    }
}

void TelnetCodec::onRemoteEnabled(uint8_t option, std::string& out) {
    if (option == opt::kTtype || option == opt::kNewEnviron) {
        appendSend(out, option); // RFC 1091 / RFC 1572: ask for the value now that the client will tell
    }
}

void TelnetCodec::finishSubnegotiation(std::string& /*out*/) {
    if (sb_overflow_) {
        release(sb_);
        return;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(sb_.data());
    const size_t n = sb_.size();
    switch (sb_option_) {
    case opt::kNaws: // RFC 1073: WIDTH[1] WIDTH[0] HEIGHT[1] HEIGHT[0]
        if (n == 4) {
            window_width_ = loadU16BE(p);
            window_height_ = loadU16BE(p + 2);
        } else {
            ++counters_.malformed_subnegotiations;
        }
        break;
    case opt::kTtype: // RFC 1091: IS <name>
        if (n >= 1 && p[0] == sb::kIs) {
            char name[kMaxTerminalType];
            size_t length = 0;
            for (size_t i = 1; i < n && length < kMaxTerminalType; ++i) {
                name[length++] = isPrintable(p[i]) ? static_cast<char>(p[i]) : '?';
            }
            terminal_type_.assign(name, length);
        } else {
            ++counters_.malformed_subnegotiations;
        }
        break;
    case opt::kNewEnviron: // RFC 1572: IS|INFO { VAR|USERVAR name [VALUE value] }
        if (n >= 1 && (p[0] == sb::kIs || p[0] == sb::kInfo)) {
            bool started = false;
            for (size_t i = 1; i < n && environment_.size() < kMaxEnvironment; ++i) {
                uint8_t byte = p[i];
                if (byte == sb::kVar || byte == sb::kUserVar) {
                    if (started) {
                        environment_.push_back('\n');
                    }
                    started = true;
                    continue;
                }
                if (byte == sb::kValue) {
                    environment_.push_back('=');
                    continue;
                }
                if (byte == sb::kEsc && i + 1 < n) {
                    byte = p[++i];
                }
                environment_.push_back(isPrintable(byte) ? static_cast<char>(byte) : '?');
            }
            if (started && environment_.size() < kMaxEnvironment) {
                environment_.push_back('\n');
            }
        } else {
            ++counters_.malformed_subnegotiations;
        }
        break;
    default:
        break; // an option we never enabled: nothing to learn
    }
    release(sb_);
}

void TelnetCodec::appendEcho(uint8_t byte, std::string& out) const {
    if (byte == cmd::kIac) {
        out.append(2, static_cast<char>(cmd::kIac));
    } else if (byte < 0x20 && byte != '\t') {
        // ECHOCTL: a control character shows as ^X
        out.push_back('^');
        out.push_back(static_cast<char>(byte + 0x40));
    } else {
        out.push_back(static_cast<char>(byte));
    }
}

void TelnetCodec::dataByte(uint8_t byte, std::string& out, LineHandler& lines) {
    if (cr_pending_) {
        cr_pending_ = false;
        if (byte == '\n' || byte == '\0') {
            return; // CR LF and CR NUL: the CR already ended the line
        }
    }
    switch (byte) {
    case '\r':
        cr_pending_ = true;
        endLine(out, lines);
        return;
    case '\n':
        endLine(out, lines);
        return;
    case '\0':
        return;
    case 0x7f: // DEL
    case 0x08: // BS
        eraseChar(out);
        return;
    default:
        break;
    }
    if (line_.size() >= options_->max_line_length) {
        if (!line_truncated_) {
            line_truncated_ = true;
            ++counters_.line_overflows;
        }
        return;
    }
    line_.push_back(static_cast<char>(byte));
    if (echoing()) {
        appendEcho(byte, out);
    }
}

void TelnetCodec::eraseChar(std::string& out) {
    if (line_.empty()) {
        return;
    }
    const auto last = static_cast<uint8_t>(line_.back());
    line_.pop_back();
    if (echoing()) {
        const bool wide = last < 0x20 && last != '\t'; // shown as ^X: two columns
        out.append(wide ? "\b\b  \b\b" : "\b \b");
    }
}

void TelnetCodec::eraseLine(std::string& out) {
    while (!line_.empty()) {
        eraseChar(out);
    }
}

void TelnetCodec::endLine(std::string& out, LineHandler& lines) {
    if (echoing()) {
        out.append("\r\n");
    }
    ++counters_.lines;
    const bool truncated = line_truncated_;
    const LineAction action = lines.onLine(line_, truncated);
    release(line_);
    line_truncated_ = false;
    if (action == LineAction::Stop) {
        close(CloseReason::HandlerClosed);
    }
}

} // namespace kansoku::honeypot::telnet

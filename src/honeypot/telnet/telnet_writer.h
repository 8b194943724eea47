#pragma once

/// Text from the login dialogue or the shell, written the way BusyBox's telnetd puts a pty's
/// output on the wire: LF becomes CR LF (the pty's ONLCR), 0xFF becomes IAC IAC (RFC 854;
/// telnetd's iac_safe_write). Nothing else is changed (telnetd does not turn a bare CR into CR NUL).

#include <string>
#include <string_view>

#include "honeypot/telnet/telnet_protocol.h"

namespace kansoku::honeypot::telnet {

class TelnetWriter {
public:
    /// Appends to `out`, which the caller owns (the connection's write buffer).
    explicit TelnetWriter(std::string& out) : out_(out) {}

    /// Writes application text: LF -> CR LF, 0xFF -> IAC IAC.
    void write(std::string_view text) {
        size_t start = 0;
        for (size_t i = 0; i < text.size(); ++i) {
            const auto byte = static_cast<unsigned char>(text[i]);
            if (byte == '\n') {
                out_.append(text.data() + start, i - start);
                out_.append("\r\n", 2);
                start = i + 1;
            } else if (byte == cmd::kIac) {
                out_.append(text.data() + start, i - start + 1);
                out_.push_back(static_cast<char>(cmd::kIac));
                start = i + 1;
            }
        }
        out_.append(text.data() + start, text.size() - start);
    }

    /// Writes bytes as they are (protocol commands the caller built itself).
    void writeRaw(std::string_view bytes) { out_.append(bytes); }

    std::string& buffer() { return out_; }

private:
    std::string& out_;
};

} // namespace kansoku::honeypot::telnet

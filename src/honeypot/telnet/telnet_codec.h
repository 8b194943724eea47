#pragma once

/// The telnet protocol layer of a honeypot session (RFC 854, RFC 855), as pure logic: raw bytes
/// from the client in; IAC commands stripped and answered, input lines out; no sockets.
///
/// Server policy (see README.md for the captures behind it). The greeting at connect depends on
/// the profile:
///  - BusyBox (default): exactly what BusyBox telnetd writes at connect (networking/telnetd.c,
///    make_new_session): IAC DO ECHO, IAC DO NAWS, IAC WILL ECHO, IAC WILL SGA. Like telnetd it then
///    never answers a negotiation: it strips them, reads SB NAWS, and its pty echoes input.
///  - Rfc1143: IAC WILL ECHO, IAC WILL SGA, IAC DO NAWS, IAC DO TTYPE; every request is answered by
///    the Q method of RFC 1143 (no loops: acknowledgements are never answered). We will ECHO and
///    SGA; we accept NAWS, TTYPE (then ask IAC SB TTYPE SEND IAC SE) and NEW-ENVIRON (then ask
///    IAC SB NEW-ENVIRON SEND IAC SE); every other option is refused (WONT/DONT), LINEMODE
///    included (the shell wants character mode, as telnetd does).
///
/// Input lines: CR LF, CR NUL and a bare CR or LF each end a line once (RFC 854, RFC 1123 3.3.1;
/// telnetd maps CR LF and CR NUL to CR, the pty's ICRNL makes it the line end). DEL and BS erase
/// a character, IAC EC a character and IAC EL the line; other NULs are dropped.
///
/// Echo: while echo is on (setEcho; the login flow turns it off for the password) the data bytes
/// are echoed as a pty in canonical mode does: printable bytes as they are, the line end as
/// CR LF, an erase as BS SP BS. In the Rfc1143 profile only while our ECHO option is on.
///
/// Bounds, each counted in TelnetCounters: a line is cut at max_line_length (the rest of it is
/// dropped); an SB longer than max_subnegotiation_length is dropped up to its IAC SE; more than
/// max_negotiations DO/DONT/WILL/WONT/SB in one session closes it. Never throws on input.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "honeypot/telnet/telnet_counters.h"

namespace kansoku::honeypot::telnet {

enum class TelnetProfile : uint8_t {
    BusyBox, ///< BusyBox telnetd's greeting; negotiations stripped, never answered
    Rfc1143, ///< a conventional server: WILL ECHO/SGA, DO NAWS/TTYPE, answers per RFC 1143
};

struct TelnetCodecOptions {
    TelnetProfile profile = TelnetProfile::BusyBox;
    /// Longest input line kept; BusyBox's line editing stops at 1024 (FEATURE_EDITING_MAX_LEN).
    uint32_t max_line_length = 1024;
    /// Longest SB payload (between IAC SB <option> and IAC SE) interpreted.
    uint32_t max_subnegotiation_length = 256;
    /// DO/DONT/WILL/WONT/SB per session before it is closed. Real clients send 5 to 20.
    uint32_t max_negotiations = 128;
};

/// What to do after a line: go on reading the input, or stop (the session closes).
enum class LineAction : uint8_t { Continue, Stop };

/// Receives each input line as soon as its terminator is read, so that it can change the echo for
/// the bytes that follow in the same packet (the password after the username).
class LineHandler {
public:
    virtual ~LineHandler() = default;
    /// `line` excludes the terminator; `truncated` says the client sent more than max_line_length.
    virtual LineAction onLine(std::string_view line, bool truncated) = 0;
};

class TelnetCodec {
public:
    /// `options` must outlive the codec (one options object serves every session of a listener).
    explicit TelnetCodec(const TelnetCodecOptions& options);

    /// Appends the profile's greeting to `out`. Call once, before the first feed().
    void start(std::string& out);

    /// Reads raw client bytes. Replies to negotiations and echo are appended to `out`; lines go to
    /// `lines`. Returns false when the session must close (a limit, or the handler said Stop): the
    /// rest of the input is not read, and later calls read nothing.
    bool feed(std::span<const uint8_t> input, std::string& out, LineHandler& lines);

    /// Echo of input data on (username, shell) or off (password).
    void setEcho(bool on) { echo_ = on; }
    /// Whether input is echoed now (setEcho and, for Rfc1143, our ECHO option).
    bool echoing() const;

    bool closed() const { return close_reason_ != CloseReason::None; }
    CloseReason closeReason() const { return close_reason_; }
    /// Marks the codec closed (used by the session when the login flow or the shell ends it).
    void close(CloseReason reason);

    const TelnetCounters& counters() const { return counters_; }
    /// From SB NAWS (RFC 1073); 0 until the client sent one.
    uint16_t windowWidth() const { return window_width_; }
    uint16_t windowHeight() const { return window_height_; }
    /// From SB TTYPE IS (RFC 1091), at most 40 characters; empty if never sent.
    const std::string& terminalType() const { return terminal_type_; }
    /// From SB NEW-ENVIRON IS/INFO (RFC 1572): "NAME=value" pairs separated by '\n' (an attacker's
    /// USER=-f root shows here). Bounded by max_subnegotiation_length per SB and 1024 in all.
    const std::string& environment() const { return environment_; }

    /// RFC 1143 option states, for tests: whether an option is on at our side / the client's.
    bool localEnabled(uint8_t option) const;
    bool remoteEnabled(uint8_t option) const;

    /// Bytes of heap held now (line and subnegotiation buffers, terminal type, environment).
    size_t heapBytes() const;

private:
    enum class State : uint8_t { Data, Iac, Option, SbOption, SbData, SbIac, Closed };
    /// RFC 1143 Q method without the queue bit (we never change our mind after the greeting).
    enum class Q : uint8_t { No, Yes, WantNo, WantYes };
    /// The options whose state we keep; every other option is always No.
    enum Slot : uint8_t { LocalEcho, LocalSga, RemoteNaws, RemoteTtype, RemoteEnviron, SlotCount };

    void dataByte(uint8_t byte, std::string& out, LineHandler& lines);
    void command(uint8_t byte, std::string& out, LineHandler& lines);
    void negotiate(uint8_t verb, uint8_t option, std::string& out);
    void finishSubnegotiation(std::string& out);
    void endLine(std::string& out, LineHandler& lines);
    void eraseChar(std::string& out);
    void eraseLine(std::string& out);
    bool countNegotiation();
    static int slotFor(bool local, uint8_t option);
    void appendEcho(uint8_t byte, std::string& out) const;
    void onRemoteEnabled(uint8_t option, std::string& out);

    const TelnetCodecOptions* options_;
    TelnetCounters counters_;
    std::string line_;
    std::string sb_;
    std::string terminal_type_;
    std::string environment_;
    uint16_t window_width_ = 0;
    uint16_t window_height_ = 0;
    Q q_[SlotCount] = {};
    State state_ = State::Data;
    uint8_t verb_ = 0;      ///< DO/DONT/WILL/WONT waiting for its option byte
    uint8_t sb_option_ = 0; ///< option of the SB being read
    bool sb_overflow_ = false;
    bool cr_pending_ = false; ///< last data byte was CR: a following LF or NUL belongs to it
    bool line_truncated_ = false;
    bool echo_ = true;
    CloseReason close_reason_ = CloseReason::None;
};

} // namespace kansoku::honeypot::telnet

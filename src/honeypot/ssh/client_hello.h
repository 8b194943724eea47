#pragma once

/// The client's side of an SSH connection's cleartext start: its identification line
/// ("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3") and its first binary packet, SSH_MSG_KEXINIT
/// (RFC 4253 sections 4.2, 6 and 7.1), from which the HASSH fingerprint is computed
/// (https://github.com/salesforce/hassh): MD5 of "kex;enc_c2s;mac_c2s;cmp_c2s", the client's
/// name-lists joined by ';'.
///
/// Pure and bounds-checked: parseClientHello() reads bytes the attacker sent, never throws, never
/// reads past the span, and keeps nothing (fuzz target: fuzz/ssh_client_hello_fuzzer.cpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kansoku::honeypot::ssh {

/// RFC 4253 4.2: the identification line is at most 255 bytes with its CR LF.
inline constexpr size_t kMaxVersionLineBytes = 255;
/// Largest KEXINIT packet accepted (packet_length field; RFC 4253 6.1 requires 35000 overall).
inline constexpr size_t kMaxKexinitPacketBytes = 35000;

enum class HelloStatus : uint8_t {
    NeedMore, ///< a prefix of a valid start: feed more bytes
    Complete, ///< version line and KEXINIT parsed; hassh set
    Invalid,  ///< not SSH (see error); version may still be set if the line was fine
};

struct ClientHello {
    HelloStatus status = HelloStatus::NeedMore;
    std::string_view error;       ///< for Invalid: "no SSH- version line", "version line too long", ...
    std::string version;          ///< identification line without CR LF, e.g. "SSH-2.0-OpenSSH_9.2p1"
    std::string kex;              ///< kex_algorithms name-list
    std::string host_key;         ///< server_host_key_algorithms (not part of HASSH, kept for logs)
    std::string enc_c2s;          ///< encryption_algorithms_client_to_server
    std::string mac_c2s;          ///< mac_algorithms_client_to_server
    std::string cmp_c2s;          ///< compression_algorithms_client_to_server
    std::string hassh_algorithms; ///< "kex;enc_c2s;mac_c2s;cmp_c2s"
    std::string hassh;            ///< lower-case hex MD5 of hassh_algorithms
    /// Total bytes the parse needs before another attempt can change the status (NeedMore only;
    /// 0 if unknown): lets an incremental caller skip re-parsing a slowly growing buffer.
    size_t need_bytes = 0;
};

/// Parses the first bytes a client sent (any prefix of the stream).
ClientHello parseClientHello(std::span<const uint8_t> bytes);

/// lower-case hex MD5 of `text` (the HASSH digest).
std::string md5Hex(std::string_view text);

/// Feeds a connection's bytes to parseClientHello until it is decided, holding at most
/// kMaxVersionLineBytes + 4 + kMaxKexinitPacketBytes bytes; releases them when done.
class ClientHelloParser {
public:
    /// Returns the status after these bytes (Complete/Invalid stay so; later bytes are ignored).
    HelloStatus feed(std::span<const uint8_t> bytes);
    bool decided() const { return hello_.status != HelloStatus::NeedMore; }
    const ClientHello& hello() const { return hello_; }
    size_t heapBytes() const { return buffer_.empty() ? 0 : buffer_.capacity(); }

private:
    std::string buffer_;
    ClientHello hello_;
};

} // namespace kansoku::honeypot::ssh

#include "honeypot/ssh/client_hello.h"

#include <array>

#include <openssl/evp.h>

#include "common/byte_reader.h"

namespace kansoku::honeypot::ssh {

namespace {

constexpr uint8_t kMsgKexinit = 20;
constexpr size_t kCookieBytes = 16;

/// An SSH string (uint32 length + bytes, RFC 4251 5) holding a name-list: printable ASCII without ';'.
bool readNameList(ByteReader& reader, std::string& out) {
    uint32_t length = 0;
    std::span<const uint8_t> bytes;
    if (!reader.readU32BE(length) || !reader.readBytes(length, bytes)) {
        return false;
    }
    out.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    for (const char ch : out) {
        if (ch <= ' ' || ch > '~' || ch == ';') {
            return false;
        }
    }
    return true;
}

ClientHello invalid(ClientHello hello, std::string_view error) {
    hello.status = HelloStatus::Invalid;
    hello.error = error;
    hello.need_bytes = 0;
    return hello;
}

} // namespace

std::string md5Hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr) != 1) {
        return {};
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0x0f]);
    }
    return out;
}

ClientHello parseClientHello(std::span<const uint8_t> bytes) {
    ClientHello hello;
    // 1. The identification line: "SSH-protoversion-softwareversion SP comments CR LF" (a bare LF
    // is tolerated, as OpenSSH does).
    constexpr std::string_view kPrefix = "SSH-";
    size_t prefix_seen = std::min(bytes.size(), kPrefix.size());
    for (size_t i = 0; i < prefix_seen; ++i) {
        if (bytes[i] != static_cast<uint8_t>(kPrefix[i])) {
            return invalid(std::move(hello), "no SSH- version line");
        }
    }
    size_t line_end = 0;
    bool found = false;
    for (size_t i = 0; i < bytes.size() && i < kMaxVersionLineBytes; ++i) {
        if (bytes[i] == '\n') {
            line_end = i;
            found = true;
            break;
        }
        if (bytes[i] == 0) {
            return invalid(std::move(hello), "NUL in version line");
        }
    }
    if (!found) {
        if (bytes.size() >= kMaxVersionLineBytes) {
            return invalid(std::move(hello), "version line too long");
        }
        return hello; // NeedMore
    }
    size_t text_end = line_end > 0 && bytes[line_end - 1] == '\r' ? line_end - 1 : line_end;
    hello.version.assign(reinterpret_cast<const char*>(bytes.data()), text_end);
    for (const char ch : hello.version) {
        if (static_cast<unsigned char>(ch) < ' ' || ch == 0x7f) {
            return invalid(std::move(hello), "control byte in version line");
        }
    }
    if (!hello.version.starts_with("SSH-2.0-") && !hello.version.starts_with("SSH-1.99-")) {
        return invalid(std::move(hello), "unsupported protocol version");
    }

    // 2. The first binary packet: uint32 packet_length, byte padding_length, payload, padding
    // (no MAC yet: the connection is still in the clear).
    std::span<const uint8_t> rest = bytes.subspan(line_end + 1);
    if (rest.size() < 5) {
        hello.need_bytes = line_end + 1 + 5;
        return hello;
    }
    uint32_t packet_length = loadU32BE(rest.data());
    uint8_t padding_length = rest[4];
    if (packet_length < 1 + 1 + kCookieBytes || packet_length > kMaxKexinitPacketBytes) {
        return invalid(std::move(hello), "bad packet length");
    }
    if (padding_length >= packet_length) {
        return invalid(std::move(hello), "bad padding length");
    }
    if (rest.size() - 4 < packet_length) {
        hello.need_bytes = line_end + 1 + 4 + packet_length;
        return hello;
    }
    ByteReader reader(rest.subspan(5, packet_length - 1 - padding_length));
    uint8_t type = 0;
    if (!reader.readU8(type) || type != kMsgKexinit) {
        return invalid(std::move(hello), "first packet is not KEXINIT");
    }
    std::string ignored;
    if (!reader.skip(kCookieBytes) || !readNameList(reader, hello.kex) || !readNameList(reader, hello.host_key) ||
        !readNameList(reader, hello.enc_c2s) || !readNameList(reader, ignored) ||
        !readNameList(reader, hello.mac_c2s) || !readNameList(reader, ignored) ||
        !readNameList(reader, hello.cmp_c2s)) {
        return invalid(std::move(hello), "malformed KEXINIT");
    }
    hello.hassh_algorithms = hello.kex + ';' + hello.enc_c2s + ';' + hello.mac_c2s + ';' + hello.cmp_c2s;
    hello.hassh = md5Hex(hello.hassh_algorithms);
    hello.status = HelloStatus::Complete;
    return hello;
}

HelloStatus ClientHelloParser::feed(std::span<const uint8_t> bytes) {
    if (decided() || bytes.empty()) {
        return hello_.status;
    }
    constexpr size_t kMaxBuffer = kMaxVersionLineBytes + 4 + kMaxKexinitPacketBytes;
    size_t take = std::min(bytes.size(), kMaxBuffer - buffer_.size());
    buffer_.append(reinterpret_cast<const char*>(bytes.data()), take);
    if (hello_.need_bytes != 0 && buffer_.size() < hello_.need_bytes) {
        return hello_.status;
    }
    hello_ =
        parseClientHello(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buffer_.data()), buffer_.size()));
    if (hello_.status == HelloStatus::NeedMore && buffer_.size() >= kMaxBuffer) {
        hello_.status = HelloStatus::Invalid;
        hello_.error = "client hello too long";
    }
    if (decided()) {
        std::string().swap(buffer_);
    }
    return hello_.status;
}

} // namespace kansoku::honeypot::ssh

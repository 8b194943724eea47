// Fuzzes the sandbox fake network's IP layer (sandbox/fakenet/ip_packet.h): the packets a sample
// writes to its TUN device.
//
// Input: one raw IPv4 or IPv6 packet (no link header, as IFF_TUN | IFF_NO_PI delivers it).
//
// Checks: parseIp stays within the input; on Ok the packet is the input trimmed to its stated length,
// the transport lies inside it, the version matches the first nibble; parsing is a pure function of
// the bytes; a reply built from the parsed parts (buildIpPacket, as the fake network answers) parses
// back to the same addresses, protocol and transport bytes (the checksum field aside), and its IPv4
// header and transport checksums verify (RFC 1071).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "sandbox/fakenet/ip_packet.h"

namespace {

namespace fn = kansoku::sandbox::fakenet;

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

/// Where buildIpPacket puts the transport checksum for this protocol and length (0: none).
size_t checksumOffset(uint8_t protocol, size_t length) {
    if (protocol == fn::ip_protocol::kTcp && length >= 20) {
        return 16;
    }
    if (protocol == fn::ip_protocol::kUdp && length >= 8) {
        return 6;
    }
    if ((protocol == fn::ip_protocol::kIcmp || protocol == fn::ip_protocol::kIcmpv6) && length >= 4) {
        return 2;
    }
    return 0;
}

void checkRoundTrip(const fn::IpView& ip) {
    const std::vector<uint8_t> built = fn::buildIpPacket(ip.src, ip.dst, ip.protocol, ip.transport, ip.ttl, ip.ip_id);
    fn::IpView again;
    FUZZ_CHECK(fn::parseIp(built, again) == fn::IpParseResult::Ok);
    FUZZ_CHECK(again.src == ip.src && again.dst == ip.dst && again.protocol == ip.protocol);
    FUZZ_CHECK(!again.fragment);
    FUZZ_CHECK(again.transport.size() == ip.transport.size());
    const size_t at = checksumOffset(ip.protocol, ip.transport.size());
    for (size_t i = 0; i < ip.transport.size(); ++i) {
        FUZZ_CHECK((at != 0 && (i == at || i == at + 1)) || again.transport[i] == ip.transport[i]);
    }
    if (again.version == 4) {
        FUZZ_CHECK(fn::checksumFold(fn::checksumAdd(std::span(built).first(20))) == 0);
    }
    if (at != 0) {
        const bool pseudo = ip.protocol != fn::ip_protocol::kIcmp;
        const uint32_t start =
            pseudo ? fn::pseudoHeaderSum(ip.src, ip.dst, ip.protocol, static_cast<uint32_t>(again.transport.size()))
                   : 0;
        FUZZ_CHECK(fn::checksumFold(fn::checksumAdd(again.transport, start)) == 0);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> input(data, size);
    fn::IpView ip;
    const fn::IpParseResult result = fn::parseIp(input, ip);
    FUZZ_CHECK(!fn::ipParseResultName(result).empty() && fn::ipParseResultName(result) != "invalid");
    fn::IpView twice;
    FUZZ_CHECK(fn::parseIp(input, twice) == result);
    if (result != fn::IpParseResult::Ok) {
        return 0;
    }
    FUZZ_CHECK(ip.version == (data[0] >> 4));
    FUZZ_CHECK(ip.packet.data() == data && ip.packet.size() <= size);
    FUZZ_CHECK(inside(ip.transport, ip.packet));
    FUZZ_CHECK(ip.transport.data() + ip.transport.size() == ip.packet.data() + ip.packet.size());
    FUZZ_CHECK(ip.packet.size() >= (ip.version == 4 ? 20U : 40U));
    FUZZ_CHECK(twice.src == ip.src && twice.dst == ip.dst && twice.protocol == ip.protocol &&
               twice.transport.size() == ip.transport.size() && twice.fragment == ip.fragment);
    if (ip.version == 4) {
        FUZZ_CHECK(ip.src.isV4() && ip.dst.isV4());
    }
    if (!ip.fragment && ip.transport.size() <= 65535 - 40) {
        checkRoundTrip(ip);
    }
    return 0;
}

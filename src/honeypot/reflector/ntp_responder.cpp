// NTP on UDP: mode 3 client requests (RFC 5905 7.3), ntpd's private mode 7 monlist (ntp_request.h,
// MON_GETLIST_1 = 42, the request behind CVE-2013-5211 amplification) and mode 6 control messages
// (RFC 1305 appendix B; ntpq's READSTAT and READVAR).

#include <algorithm>
#include <array>
#include <string_view>

#include "common/byte_reader.h"
#include "honeypot/reflector/responder.h"
#include "honeypot/reflector/wire.h"

namespace kansoku::honeypot::reflector {

namespace {

using namespace detail;

constexpr size_t kNtpPacketBytes = 48;
constexpr size_t kMode7HeaderBytes = 8;
constexpr size_t kMode6HeaderBytes = 12;
constexpr uint8_t kReqMonGetlist1 = 42;
constexpr size_t kMonitor1ItemBytes = 72;              // struct info_monitor_1
constexpr uint8_t kInfoErrReq = 2;                     // INFO_ERR_REQ: unknown request code
constexpr uint64_t kNtpEpochOffset = 2'208'988'800ULL; // 1900-01-01 to 1970-01-01, seconds
constexpr uint32_t kRefId = 0xC0000201;                // upstream 192.0.2.1
constexpr uint16_t kAssocId = 0x1f2e;
constexpr std::string_view kReadvar =
    "version=\"ntpd 4.2.8p15@1.3728-o\", processor=\"x86_64\", system=\"Linux/5.10.0\", leap=00, "
    "stratum=2, precision=-23, rootdelay=1.234, rootdisp=20.5, refid=192.0.2.1, tc=10, mintc=3";

uint64_t ntpTime(Timestamp now) {
    const uint64_t micros = now < 0 ? 0 : static_cast<uint64_t>(now);
    const uint64_t seconds = micros / 1'000'000 + kNtpEpochOffset;
    const uint64_t fraction = ((micros % 1'000'000) << 32) / 1'000'000;
    return (seconds << 32) | fraction;
}

void put64(std::vector<uint8_t>& out, uint64_t v) {
    put32(out, static_cast<uint32_t>(v >> 32));
    put32(out, static_cast<uint32_t>(v));
}

std::optional<std::vector<uint8_t>> clientReply(std::span<const uint8_t> request, const ReplyContext& ctx) {
    const uint8_t version = (request[0] >> 3) & 0x07;
    std::vector<uint8_t> out;
    out.reserve(kNtpPacketBytes);
    put8(out, static_cast<uint8_t>((version << 3) | 4)); // LI 0, mode 4 (server)
    put8(out, 2);                                        // stratum 2
    put8(out, request[2]);                               // poll, as asked
    put8(out, 0xE9);                                     // precision 2^-23
    put32(out, 0x00000C8F);                              // root delay ~49 ms (16.16)
    put32(out, 0x00001480);                              // root dispersion ~80 ms
    put32(out, kRefId);
    put64(out, ntpTime(ctx.now - 64 * kMicrosPerSecond)); // reference: last sync
    for (size_t i = 40; i < 48; ++i) {                    // origin = client's transmit
        out.push_back(request[i]);
    }
    put64(out, ntpTime(ctx.now)); // receive
    put64(out, ntpTime(ctx.now)); // transmit
    return out;
}

void putMonitorItem(std::vector<uint8_t>& out, uint32_t addr, uint16_t port, uint32_t count, uint32_t last_int,
                    uint8_t mode, uint8_t version) {
    put32(out, last_int * 2 + 7); // avg_int
    put32(out, last_int);         // last_int
    put32(out, 0);                // restr
    put32(out, count);
    put32(out, addr);
    put32(out, 0xC0A80101); // daddr: the server's own LAN address 192.168.1.1
    put32(out, 0);          // flags
    put16(out, port);
    put8(out, mode);
    put8(out, version);
    put32(out, 0);                // v6_flag
    put32(out, 0);                // unused1
    out.insert(out.end(), 32, 0); // addr6, daddr6
}

std::optional<std::vector<uint8_t>> privateReply(std::span<const uint8_t> request, const ReplyContext& ctx) {
    const uint8_t version = (request[0] >> 3) & 0x07;
    const uint8_t impl = request[2];
    const uint8_t code = request[3];
    std::vector<uint8_t> out;
    put8(out, static_cast<uint8_t>(0x80 | (version << 3) | 7)); // response, no more, mode 7
    put8(out, 0);                                               // not authenticated, sequence 0
    put8(out, impl);
    put8(out, code);
    if (code != kReqMonGetlist1) {
        put16(out, static_cast<uint16_t>(kInfoErrReq << 12)); // err, 0 items
        put16(out, 0);
        return out;
    }
    // A few clients, the requester first (ntpd lists the most recent first).
    struct Client {
        uint32_t addr;
        uint16_t port;
        uint32_t count;
        uint32_t last_int;
        uint8_t mode;
        uint8_t version;
    };
    const std::array<Client, 3> clients{{
        {ctx.src_v4 != 0 ? ctx.src_v4 : 0xC0A80164, ctx.src_port != 0 ? ctx.src_port : uint16_t{123}, 1, 0, 7, version},
        {0xC0A8010A, 123, 1873, 64, 3, 4},  // 192.168.1.10, a LAN client polling every 64 s
        {0xC0A80117, 123, 412, 1024, 3, 4}, // 192.168.1.23
    }};
    const size_t room = ctx.cap > kMode7HeaderBytes ? (ctx.cap - kMode7HeaderBytes) / kMonitor1ItemBytes : 0;
    const size_t items = std::min(room, clients.size());
    if (items == 0) {
        return std::nullopt;
    }
    put16(out, static_cast<uint16_t>(items));
    put16(out, static_cast<uint16_t>(kMonitor1ItemBytes));
    for (size_t i = 0; i < items; ++i) {
        const auto& c = clients[i];
        putMonitorItem(out, c.addr, c.port, c.count, c.last_int, c.mode, c.version);
    }
    return out;
}

std::optional<std::vector<uint8_t>> controlReply(std::span<const uint8_t> request, const ReplyContext& ctx) {
    const uint8_t opcode = request[1] & 0x1F;
    std::vector<uint8_t> data;
    uint16_t status = 0x0615; // leap none, sync ntp, 1 event, last event "clock sync"
    uint16_t assoc = loadU16BE(request.data() + 6);
    if (opcode == 1) { // READSTAT
        if (assoc == 0) {
            put16(data, kAssocId);
            put16(data, 0x961a); // configured, reachable, sys.peer
        } else {
            status = 0x961a;
        }
    } else if (opcode == 2) { // READVAR
        putText(data, kReadvar);
    } else {
        return std::nullopt;
    }
    std::vector<uint8_t> out;
    put8(out, static_cast<uint8_t>(request[0] & 0x3F)); // LI 0, version as asked, mode 6
    put8(out, static_cast<uint8_t>(0x80 | opcode));     // response
    put16(out, loadU16BE(request.data() + 2));          // sequence
    put16(out, status);
    put16(out, assoc);
    put16(out, 0); // offset
    const size_t header = out.size() + 2;
    if (ctx.cap < header + 4) {
        return std::nullopt;
    }
    size_t take = std::min(data.size(), (ctx.cap - header) & ~size_t{3});
    put16(out, static_cast<uint16_t>(take));
    out.insert(out.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(take));
    while (out.size() % 4 != 0) {
        out.push_back(0);
    }
    return out;
}

} // namespace

Response respondNtp(std::span<const uint8_t> request, const ReplyContext& ctx) {
    if (request.empty()) {
        return {std::nullopt, true};
    }
    const uint8_t mode = request[0] & 0x07;
    const uint8_t version = (request[0] >> 3) & 0x07;
    Response response;
    if (mode == 3) {
        if (request.size() < kNtpPacketBytes || version == 0) {
            response.malformed = true;
        } else {
            response.reply = clientReply(request, ctx);
        }
    } else if (mode == 7) {
        // A request has R (0x80) and M (0x40) clear.
        if (request.size() < kMode7HeaderBytes || (request[0] & 0xC0) != 0) {
            response.malformed = true;
        } else {
            response.reply = privateReply(request, ctx);
        }
    } else if (mode == 6) {
        if (request.size() < kMode6HeaderBytes || (request[1] & 0x80) != 0) {
            response.malformed = true;
        } else {
            response.reply = controlReply(request, ctx);
        }
    }
    if (response.reply && response.reply->size() > ctx.cap) {
        response.reply.reset();
    }
    return response;
}

} // namespace kansoku::honeypot::reflector

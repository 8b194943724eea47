// DNS on UDP (RFC 1035 4.1): answers the one question of a standard query like a small open resolver.

#include <string_view>

#include "common/byte_reader.h"
#include "honeypot/reflector/responder.h"
#include "honeypot/reflector/wire.h"

namespace kansoku::honeypot::reflector {

namespace {

using namespace detail;

constexpr size_t kHeaderBytes = 12;
constexpr size_t kMaxNameBytes = 255; // RFC 1035 2.3.4
constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeTxt = 16;
constexpr uint16_t kTypeAny = 255;
constexpr uint16_t kClassIn = 1;
constexpr uint32_t kTtl = 300;
constexpr uint32_t kAnswerV4 = 0xC0000201; // 192.0.2.1 (RFC 5737 documentation range)
constexpr std::string_view kTxt = "v=spf1 -all";

enum Rcode : uint8_t { kNoError = 0, kFormErr = 1, kNotImp = 4 };

/// Header-only reply (no question echoed): for FORMERR/NOTIMP.
std::vector<uint8_t> headerOnly(std::span<const uint8_t> request, uint8_t rcode) {
    std::vector<uint8_t> out;
    put16(out, loadU16BE(request.data()));
    const uint8_t opcode_rd = request[2] & 0x79; // opcode and RD copied
    put8(out, static_cast<uint8_t>(0x80 | opcode_rd));
    put8(out, static_cast<uint8_t>(0x80 | rcode)); // RA
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    return out;
}

void putAnswerA(std::vector<uint8_t>& out) {
    put16(out, 0xC00C); // pointer to the question name at offset 12
    put16(out, kTypeA);
    put16(out, kClassIn);
    put32(out, kTtl);
    put16(out, 4);
    put32(out, kAnswerV4);
}

void putAnswerTxt(std::vector<uint8_t>& out) {
    put16(out, 0xC00C);
    put16(out, kTypeTxt);
    put16(out, kClassIn);
    put32(out, kTtl);
    put16(out, static_cast<uint16_t>(kTxt.size() + 1));
    put8(out, static_cast<uint8_t>(kTxt.size()));
    putText(out, kTxt);
}

} // namespace

Response respondDns(std::span<const uint8_t> request, const ReplyContext& ctx) {
    if (request.size() < kHeaderBytes) {
        return {std::nullopt, true};
    }
    if ((request[2] & 0x80) != 0) {
        return {}; // a response: never answer it (no reflection loops between servers)
    }
    Response response;
    const uint8_t opcode = (request[2] >> 3) & 0x0F;
    if (opcode != 0) {
        response.reply = headerOnly(request, kNotImp);
    } else if (loadU16BE(request.data() + 4) != 1) {
        response.reply = headerOnly(request, kFormErr);
        response.malformed = true;
    } else {
        // The question name: uncompressed labels, <= 255 bytes, inside the datagram.
        size_t at = kHeaderBytes;
        bool ok = false;
        while (at < request.size()) {
            const uint8_t len = request[at];
            if (len == 0) {
                ok = at + 1 - kHeaderBytes <= kMaxNameBytes;
                ++at;
                break;
            }
            if ((len & 0xC0) != 0 || at + 1 + len - kHeaderBytes > kMaxNameBytes) {
                break; // compression pointer in a question, or name too long
            }
            at += 1 + len;
        }
        if (!ok || request.size() - at < 4) {
            response.reply = headerOnly(request, kFormErr);
            response.malformed = true;
        } else {
            const uint16_t qtype = loadU16BE(request.data() + at);
            const uint16_t qclass = loadU16BE(request.data() + at + 2);
            const size_t question_end = at + 4;
            std::vector<uint8_t> out;
            out.reserve(question_end + 64);
            put16(out, loadU16BE(request.data()));
            put8(out, static_cast<uint8_t>(0x80 | (request[2] & 0x01))); // QR, opcode 0, RD copied
            put8(out, 0x80);                                             // RA, NOERROR
            put16(out, 1);
            const size_t ancount_at = out.size();
            put16(out, 0);
            put16(out, 0);
            put16(out, 0);
            out.insert(out.end(), request.begin() + kHeaderBytes,
                       request.begin() + static_cast<ptrdiff_t>(question_end));
            const size_t question_only = out.size();
            uint16_t answers = 0;
            if (qclass == kClassIn || qclass == kTypeAny) {
                if (qtype == kTypeA || qtype == kTypeAny) {
                    putAnswerA(out);
                    ++answers;
                }
                if (qtype == kTypeTxt || qtype == kTypeAny) {
                    putAnswerTxt(out);
                    ++answers;
                }
            }
            if (out.size() > ctx.cap) {
                out.resize(question_only); // truncated: no answers, TC set (RFC 1035 4.2.1)
                out[2] |= 0x02;
                answers = 0;
            }
            out[ancount_at] = static_cast<uint8_t>(answers >> 8);
            out[ancount_at + 1] = static_cast<uint8_t>(answers);
            response.reply = std::move(out);
        }
    }
    if (response.reply && response.reply->size() > ctx.cap) {
        response.reply.reset();
    }
    return response;
}

} // namespace kansoku::honeypot::reflector

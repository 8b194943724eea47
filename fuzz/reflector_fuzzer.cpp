// Fuzzes the UDP reflector honeypot responders: every service's responder gets the same datagram.
//
// Input: byte 0 picks the reply cap (0..255 -> cap = byte * 4, so 0..1020 and every cut of a reply
// is reached); the rest is the request datagram.
//
// Checks: no reply exceeds the cap; the chargen/responder outcome is deterministic (the same bytes
// and context give the same reply twice); a reply is never produced for an empty cap.

#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_check.h"
#include "honeypot/reflector/responder.h"

namespace {

namespace rf = kansoku::honeypot::reflector;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    rf::ReplyContext ctx;
    ctx.cap = size_t{data[0]} * 4;
    ctx.now = 1'714'564'800LL * kansoku::kMicrosPerSecond;
    ctx.src_v4 = 0xC6336407;
    ctx.src_port = 4444;
    ctx.local_port = 11900;
    const std::span<const uint8_t> request(data + 1, size - 1);
    for (const auto& info : rf::reflectorServices()) {
        const rf::Response first = rf::respond(info.service, request, ctx);
        FUZZ_CHECK(!first.reply || first.reply->size() <= ctx.cap);
        FUZZ_CHECK(ctx.cap > 0 || !first.reply);
        const rf::Response second = rf::respond(info.service, request, ctx);
        FUZZ_CHECK(first.reply == second.reply && first.malformed == second.malformed);
    }
    return 0;
}

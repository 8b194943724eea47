// Character Generator (RFC 864): over UDP, each datagram gets one datagram of 0..512 characters back.
// Lines are 72 printable characters + CRLF, each line starting one character later (the classic
// rotating pattern); only whole lines are sent.

#include <algorithm>

#include "honeypot/reflector/responder.h"

namespace kansoku::honeypot::reflector {

namespace {

constexpr size_t kMaxReplyBytes = 512; // RFC 864: "between 0 and 512"
constexpr size_t kLineChars = 72;
constexpr size_t kLineBytes = kLineChars + 2;
constexpr size_t kPrintable = 95; // ' ' .. '~'

} // namespace

Response respondChargen(std::span<const uint8_t> request, const ReplyContext& ctx) {
    (void)request; // any datagram, even an empty one
    const size_t lines = std::min(ctx.cap, kMaxReplyBytes) / kLineBytes;
    if (lines == 0) {
        return {};
    }
    std::vector<uint8_t> out;
    out.reserve(lines * kLineBytes);
    for (size_t line = 0; line < lines; ++line) {
        for (size_t i = 0; i < kLineChars; ++i) {
            out.push_back(static_cast<uint8_t>(' ' + (line + i) % kPrintable));
        }
        out.push_back('\r');
        out.push_back('\n');
    }
    return {std::move(out), false};
}

} // namespace kansoku::honeypot::reflector

// memcached over UDP (memcached doc/protocol.txt, "UDP protocol"): every datagram starts with an
// 8-byte frame header (request id, sequence number, total datagrams, reserved); the rest is one
// ASCII command. Replies carry the same request id, sequence 0 of 1.

#include <array>
#include <string>
#include <string_view>

#include "common/byte_reader.h"
#include "honeypot/reflector/responder.h"
#include "honeypot/reflector/wire.h"

namespace kansoku::honeypot::reflector {

namespace {

using namespace detail;

constexpr size_t kFrameBytes = 8;
constexpr size_t kMaxLineBytes = 2048;
constexpr std::string_view kVersion = "1.6.18";

constexpr std::array<std::string_view, 14> kStats{
    "STAT pid 1187\r\n",
    "STAT uptime 2963841\r\n",
    "STAT time 0\r\n", // replaced by the request time
    "STAT version 1.6.18\r\n",
    "STAT libevent 2.1.12-stable\r\n",
    "STAT pointer_size 64\r\n",
    "STAT curr_connections 2\r\n",
    "STAT total_connections 18734\r\n",
    "STAT cmd_get 98213\r\n",
    "STAT cmd_set 20312\r\n",
    "STAT get_hits 80021\r\n",
    "STAT get_misses 18192\r\n",
    "STAT curr_items 812\r\n",
    "STAT limit_maxbytes 67108864\r\n",
};

bool startsWithWord(std::string_view line, std::string_view word) {
    return line.starts_with(word) && (line.size() == word.size() || line[word.size()] == ' ');
}

} // namespace

Response respondMemcached(std::span<const uint8_t> request, const ReplyContext& ctx) {
    if (request.size() < kFrameBytes) {
        return {std::nullopt, true};
    }
    const uint16_t request_id = loadU16BE(request.data());
    const uint16_t sequence = loadU16BE(request.data() + 2);
    const uint16_t total = loadU16BE(request.data() + 4);
    if (sequence != 0 || total != 1) {
        return {std::nullopt, true}; // multi-datagram requests are not supported by memcached either
    }
    std::string_view body = asText(request.subspan(kFrameBytes));
    body = body.substr(0, std::min(body.size(), kMaxLineBytes));
    const size_t eol = body.find('\n');
    if (eol == std::string_view::npos) {
        return {std::nullopt, true};
    }
    std::string_view line = body.substr(0, eol);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }

    std::vector<uint8_t> out;
    put16(out, request_id);
    put16(out, 0);
    put16(out, 1);
    put16(out, 0);
    const auto fits = [&](size_t more) { return out.size() + more <= ctx.cap; };
    bool malformed = false;
    std::string text;
    if (line == "stats") {
        const std::string time_line =
            "STAT time " + std::to_string((ctx.now < 0 ? 0 : ctx.now) / kMicrosPerSecond) + "\r\n";
        constexpr std::string_view kEnd = "END\r\n";
        for (const auto stat : kStats) {
            const std::string_view piece = stat.starts_with("STAT time ") ? std::string_view(time_line) : stat;
            if (!fits(text.size() + piece.size() + kEnd.size())) {
                break;
            }
            text += piece;
        }
        text += kEnd;
    } else if (line == "version") {
        text = "VERSION " + std::string(kVersion) + "\r\n";
    } else if (startsWithWord(line, "get") || startsWithWord(line, "gets")) {
        text = "END\r\n"; // every key misses
    } else if (startsWithWord(line, "set") || startsWithWord(line, "add") || startsWithWord(line, "replace")) {
        text = "STORED\r\n"; // nothing is kept
    } else {
        text = "ERROR\r\n";
        malformed = true;
    }
    if (!fits(text.size())) {
        return {std::nullopt, malformed};
    }
    putText(out, text);
    return {std::move(out), malformed};
}

} // namespace kansoku::honeypot::reflector

#include "share/notice/notice_token.h"

#include <algorithm>
#include <array>

#include <openssl/rand.h>

namespace kansoku::share::notice {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool isTokenChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

} // namespace

Result<std::string> generateNoticeToken() {
    std::array<unsigned char, kNoticeTokenLength * 3 / 4> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        return fail("notice: the random generator failed");
    }
    // base64url (RFC 4648 section 5): 3 bytes -> 4 characters; 24 bytes need no padding.
    std::string token;
    token.reserve(kNoticeTokenLength);
    for (std::size_t i = 0; i < random.size(); i += 3) {
        const uint32_t group = (uint32_t{random[i]} << 16) | (uint32_t{random[i + 1]} << 8) | random[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) {
            token += kAlphabet[(group >> shift) & 0x3f];
        }
    }
    return token;
}

bool isNoticeToken(std::string_view text) {
    return text.size() == kNoticeTokenLength && std::all_of(text.begin(), text.end(), isTokenChar);
}

std::string noticePath(std::string_view token) {
    return "/notice/" + std::string(token);
}

Result<IssuedNotice> issueNotice(store::IntelStore& store, const IpAddress& ip, Timestamp now,
                                 const NoticeIssue& options) {
    auto host = store.infectedHost(ip);
    KANSOKU_TRY(host);
    if (!*host) {
        return fail("notice: {} is not an infected host", ip.toString());
    }
    IssuedNotice issued;
    issued.expires = now + options.ttl.micros();
    const auto& record = **host;
    if (!options.fresh && isNoticeToken(record.notice_token) && record.notice_expires && *record.notice_expires > now) {
        issued.token = record.notice_token;
        issued.reused = true;
        issued.expires = std::max(issued.expires, *record.notice_expires);
    } else {
        auto token = generateNoticeToken();
        KANSOKU_TRY(token);
        issued.token = std::move(*token);
    }
    KANSOKU_TRY(store.setNoticeToken(ip, issued.token, issued.expires));
    issued.path = noticePath(issued.token);
    return issued;
}

} // namespace kansoku::share::notice

#pragma once

/// Notice links for infected hosts (issue 11 item 6): `/notice/<token>`, the token unguessable
/// (192 bits from a CSPRNG) and bound to one host until it expires. The page itself is served by
/// web/notice_routes.

#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/ip_address.h"
#include "common/result.h"
#include "common/time.h"
#include "store/intel_store.h"

namespace kansoku::share::notice {

/// Characters in a token: 24 random bytes in base64url without padding (RFC 4648 section 5).
constexpr std::size_t kNoticeTokenLength = 32;

/// A new token from OpenSSL's RAND_bytes; fails only when the generator does.
Result<std::string> generateNoticeToken();
/// Whether `text` has a token's shape (length and alphabet): what the route checks before it asks
/// the store, so hostile paths never reach SQL.
bool isNoticeToken(std::string_view text);
/// "/notice/<token>".
std::string noticePath(std::string_view token);

struct NoticeIssue {
    Duration ttl = Duration::fromDays(30); ///< the link is valid until now + ttl
    bool fresh = false;                    ///< replace a still valid token (e.g. one that leaked) instead of keeping it
};

struct IssuedNotice {
    std::string path; ///< "/notice/<token>"
    std::string token;
    Timestamp expires = 0;
    bool reused = false; ///< the host's earlier token was kept (its expiry extended)
};

/// Gives the infected host `ip` a notice link valid until now + ttl. A host whose token is still
/// valid keeps it (a link already forwarded to the subscriber keeps working), unless `fresh`.
/// Fails when `ip` is not an infected host.
Result<IssuedNotice> issueNotice(store::IntelStore& store, const IpAddress& ip, Timestamp now,
                                 const NoticeIssue& options = {});

} // namespace kansoku::share::notice

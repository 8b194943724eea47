#include "web/notice_routes.h"

#include <optional>
#include <string>
#include <string_view>

#include "share/notice/notice_token.h"
#include "web/notice_page.h"

namespace kansoku::web {
namespace {

/// The value of `name` in a query string (not decoded: the only values read are "ja" and "en").
std::string_view queryValue(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
            return pair.substr(name.size() + 1);
        }
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return {};
}

/// The language the reader asked for, if any: ?lang= first, then Accept-Language.
std::optional<NoticeLanguage> askedLanguage(const Request& request) {
    if (auto chosen = parseNoticeLanguage(queryValue(request.query, "lang"))) {
        return chosen;
    }
    return acceptedLanguage(request.accept_language);
}

/// The language of the ISP whose prefixes or ASNs hold the host (its subscriber's provider).
std::optional<NoticeLanguage> ispLanguage(store::TenantStore& tenants, const store::InfectedHostRecord& host) {
    auto isps = tenants.isps();
    if (!isps) {
        return std::nullopt;
    }
    for (const auto& isp : *isps) {
        if (isp.scope.contains(host.ip, host.asn)) {
            return parseNoticeLanguage(isp.lang);
        }
    }
    return std::nullopt;
}

Response htmlPage(unsigned status, std::string body, NoticeLanguage language) {
    Response response;
    response.status = status;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::move(body);
    response.headers = {
        {"Content-Security-Policy", noticeContentSecurityPolicy()},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"}, // the token is in the URL
        {"Cache-Control", "no-store"},
        {"X-Frame-Options", "DENY"},
        {"X-Robots-Tag", "noindex, nofollow"},
        {"Content-Language", std::string(languageCode(language))},
        {"Vary", "Accept-Language"},
    };
    return response;
}

} // namespace

void addNoticeRoutes(Router& router, store::IntelStore& intel, store::TenantStore& tenants,
                     std::function<Timestamp()> clock) {
    router.get("/notice/{token}", Caller::Anonymous, [&intel, &tenants, clock](const Request& request) {
        const auto asked = askedLanguage(request);
        const std::string& token = request.params.at("token");
        std::optional<store::InfectedHostRecord> host;
        if (share::notice::isNoticeToken(token)) {
            auto found = intel.hostByNoticeToken(token, clock());
            if (!found) {
                return errorResponse(503, "the notice store is unavailable; try again later");
            }
            host = std::move(*found);
        }
        if (!host) {
            const NoticeLanguage language = asked.value_or(NoticeLanguage::En);
            return htmlPage(404, renderInvalidNoticePage(language), language);
        }
        const NoticeLanguage language = asked ? *asked : ispLanguage(tenants, *host).value_or(NoticeLanguage::En);
        return htmlPage(200, renderNoticePage(noticeView(*host), language), language);
    });
}

} // namespace kansoku::web

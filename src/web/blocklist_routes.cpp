#include "web/blocklist_routes.h"

#include <optional>
#include <utility>

#include "share/blocklist/blocklist.h"
#include "share/blocklist/blocklist_format.h"

namespace kansoku::web {

void addBlocklistRoutes(Router& router, store::IntelStore& intel, share::blocklist::BlocklistConfig config,
                        std::function<Timestamp()> clock) {
    using share::blocklist::BlocklistFormat;
    const std::pair<const char*, BlocklistFormat> formats[] = {
        {"txt", BlocklistFormat::Text}, {"csv", BlocklistFormat::Csv}, {"rpz", BlocklistFormat::Rpz}};
    for (const auto& entry : formats) {
        const BlocklistFormat format = entry.second;
        router.get(std::string("/api/v1/blocklist.") + entry.first, Caller::Tenant,
                   [&intel, config, clock, format](const Request& request) {
                       // The authenticator put the tenant's space on the request; a tenant without one
                       // (its ISP was removed meanwhile) may not use the feed.
                       std::optional<AddressScope> scope;
                       if (request.caller != Caller::Admin) {
                           if (!request.scope) {
                               return errorResponse(403, "this key may not use this resource");
                           }
                           scope = *request.scope;
                       }
                       auto blocklist = share::blocklist::buildBlocklist(intel, config, clock(), scope);
                       if (!blocklist) {
                           return errorResponse(503, "the blocklist store is unavailable; try again later");
                       }
                       Response response;
                       response.content_type = std::string(share::blocklist::blocklistContentType(format));
                       response.body = share::blocklist::formatBlocklist(*blocklist, format, config);
                       response.headers = {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
                       return response;
                   });
    }
}

} // namespace kansoku::web

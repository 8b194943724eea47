#include "web/blocklist_routes.h"

#include <optional>
#include <utility>

#include "share/blocklist/blocklist.h"
#include "share/blocklist/blocklist_format.h"

namespace kansoku::web {

void addBlocklistRoutes(Router& router, store::IntelStore& intel, store::TenantStore& tenants,
                        share::blocklist::BlocklistConfig config, std::function<Timestamp()> clock) {
    using share::blocklist::BlocklistFormat;
    const std::pair<const char*, BlocklistFormat> formats[] = {
        {"txt", BlocklistFormat::Text}, {"csv", BlocklistFormat::Csv}, {"rpz", BlocklistFormat::Rpz}};
    for (const auto& entry : formats) {
        const BlocklistFormat format = entry.second;
        router.get(std::string("/api/v1/blocklist.") + entry.first, Caller::Tenant,
                   [&intel, &tenants, config, clock, format](const Request& request) {
                       std::optional<AddressScope> scope;
                       if (request.caller != Caller::Admin) {
                           auto isp = tenants.isp(request.tenant);
                           if (!isp) {
                               return errorResponse(503, "the tenant store is unavailable; try again later");
                           }
                           if (!*isp) {
                               return errorResponse(403, "this key may not use this resource");
                           }
                           scope = (*isp)->scope;
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

#pragma once

/// The route table: method + path pattern -> handler. A pattern is a path whose segments are
/// literal or "{name}" (one segment, any text, given to the handler in Request::params). Lookup
/// tells apart "no such path" (404) from "path exists, not with this method" (405 with Allow, RFC
/// 9110 section 15.5.6). HEAD is served by the GET route (RFC 9110 section 9.3.2).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_message.h"

namespace kansoku::web {

using Handler = std::function<Response(const Request&)>;

struct Route {
    std::string method;                ///< "GET", "POST", ...
    std::string pattern;               ///< "/api/v1/hosts/{ip}"
    Caller access = Caller::Anonymous; ///< the least caller allowed (the authentication hook)
    Handler handler;
};

/// Renders an error answer (status and message) in the form the clients of a path prefix expect.
using ErrorRenderer = std::function<Response(unsigned status, std::string_view message)>;

class Router {
public:
    /// Errors the server itself answers (404, 405, 401, 403, 500) under paths starting with
    /// `prefix` are rendered by `renderer` (e.g. TAXII error objects under /taxii2/); elsewhere
    /// they are errorResponse()'s JSON.
    Router& errorsUnder(std::string prefix, ErrorRenderer renderer);
    /// The error answer for `path`.
    Response error(std::string_view path, unsigned status, std::string_view message) const;

    /// Adds a route; routes are matched in the order added.
    Router& add(Route route);
    Router& get(std::string pattern, Caller access, Handler handler);

    struct Match {
        const Route* route = nullptr; ///< null: see allow
        std::string allow;            ///< not found with this method: the methods the path has ("" : 404)
    };
    /// Finds the route for `method` and `path`, filling `params`.
    Match find(std::string_view method, std::string_view path,
               std::map<std::string, std::string, std::less<>>& params) const;

private:
    std::vector<Route> routes_;
    std::vector<std::pair<std::string, ErrorRenderer>> error_renderers_;
};

} // namespace kansoku::web

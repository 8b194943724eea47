#pragma once

/// What a route handler sees and returns: the parsed request with its path parameters and the
/// caller's identity, and a response built from a status, a content type and a body.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/address_scope.h"

namespace kansoku::web {

class BodyStream;

/// Who is calling (Authenticator). Routes declare the least they accept (Route::access).
enum class Caller : uint8_t {
    Anonymous, ///< no or unknown credentials
    Tenant,    ///< an ISP's key (issue 11 item 4): sees only its own address space
    Admin,     ///< the admin key: sees everything
};

struct Request {
    std::string method; ///< "GET", "HEAD", ... (HEAD is routed as GET)
    std::string target; ///< as sent: path and query
    std::string path;   ///< target without the query
    std::string query;  ///< after '?', not decoded
    std::string body;
    std::string authorization;                              ///< the Authorization header, if any
    std::string accept_language;                            ///< the Accept-Language header, if any
    std::string accept;                                     ///< the Accept header, if any
    std::string content_type;                               ///< the Content-Type header, if any
    std::string host;                                       ///< the Host header, if any
    bool tls = false;                                       ///< it came over TLS (for absolute URLs)
    std::string client;                                     ///< the peer's address
    std::map<std::string, std::string, std::less<>> params; ///< "{name}" segments of the route's pattern
    Caller caller = Caller::Anonymous;
    std::string tenant;                        ///< the tenant's name when caller is Tenant
    std::shared_ptr<const AddressScope> scope; ///< the tenant's address space when caller is Tenant
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::shared_ptr<const std::string> shared_body; ///< when set, sent instead of body (not copied: a cached page)
    std::string allow;                              ///< the Allow header (405)
    std::string www_authenticate;                   ///< the WWW-Authenticate header (401)
    std::vector<std::pair<std::string, std::string>> headers; ///< further header fields, sent as given
    std::shared_ptr<BodyStream> stream; ///< when set, the body is sent as it comes (web/body_stream.h)
};

/// A JSON body (serialised with a trailing newline) and its Content-Type.
Response jsonResponse(unsigned status, const nlohmann::json& body);
/// {"error": {"status": 404, "message": "..."}}
Response errorResponse(unsigned status, std::string_view message);

} // namespace kansoku::web

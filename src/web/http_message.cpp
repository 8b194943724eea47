#include "web/http_message.h"

#include <nlohmann/json.hpp>

namespace kansoku::web {

Response jsonResponse(unsigned status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    response.body = body.dump() + "\n";
    return response;
}

Response errorResponse(unsigned status, std::string_view message) {
    return jsonResponse(status, {{"error", {{"status", status}, {"message", message}}}});
}

} // namespace kansoku::web

#include "web/local_session.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/ip_address.h"

namespace kansoku::web {

bool isLoopbackAddress(std::string_view address) {
    const auto ip = IpAddress::parse(address);
    if (!ip) {
        return false;
    }
    if (ip->isV4()) {
        return (ip->v4() >> 24) == 127;
    }
    const auto& b = ip->bytes();
    return std::all_of(b.begin(), b.end() - 1, [](uint8_t x) { return x == 0; }) && b.back() == 1;
}

bool isLoopbackHost(std::string_view host) {
    std::string name;
    if (!host.empty() && host.front() == '[') { // [v6]:port
        const auto close = host.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        const auto rest = host.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1)) {
            return false;
        }
        name = std::string(host.substr(1, close - 1));
    } else {
        const auto colon = host.find(':');
        name = std::string(host.substr(0, colon));
    }
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name == "localhost" || isLoopbackAddress(name);
}

void LocalSessionAuthenticator::authenticate(Request& request) const {
    inner_.authenticate(request);
    const auto dashboard = std::any_of(paths_.begin(), paths_.end(), [&request](const std::string& path) {
        return request.path == path || (request.path.starts_with(path) && request.path[path.size()] == '/');
    });
    if (dashboard && request.caller == Caller::Anonymous && request.authorization.empty() &&
        isLoopbackAddress(request.client) && isLoopbackHost(request.host)) {
        request.caller = Caller::Admin;
    }
}

} // namespace kansoku::web

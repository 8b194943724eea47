#include "common/ip_address.h"

#include <arpa/inet.h>

namespace kansoku {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
        return std::nullopt;
    }
    char buffer[INET6_ADDRSTRLEN];
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    if (text.find(':') == std::string_view::npos) {
        in_addr v4{};
        if (inet_pton(AF_INET, buffer, &v4) != 1) {
            return std::nullopt;
        }
        return fromV4(ntohl(v4.s_addr));
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, buffer, &v6) != 1) {
        return std::nullopt;
    }
    return fromV6(v6.s6_addr);
}

std::string IpAddress::toString() const {
    char buffer[INET6_ADDRSTRLEN];
    if (isV4()) {
        in_addr v4{};
        v4.s_addr = htonl(this->v4());
        inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
    } else {
        inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
    }
    return buffer;
}

} // namespace kansoku

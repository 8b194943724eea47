#pragma once

/// HTTP Basic authentication (RFC 7617): the user and password of an `Authorization: Basic ...`
/// header.

#include <optional>
#include <string>
#include <string_view>

namespace kansoku::web {

struct BasicCredentials {
    std::string user;
    std::string password;
};

/// The credentials of a Basic Authorization header (scheme case-insensitive, strict base64 with
/// padding, user without ':'); nullopt when it is not one or does not decode.
std::optional<BasicCredentials> basicCredentials(std::string_view authorization);

} // namespace kansoku::web

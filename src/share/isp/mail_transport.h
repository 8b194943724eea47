#pragma once

/// How a composed mail leaves: one attempt to hand it to the mail server. CurlMailTransport is the
/// real one (SMTP with libcurl); tests use a fake to check retries without a server.

#include <string>
#include <string_view>

#include "common/result.h"

namespace kansoku::share::isp {

class MailTransport {
public:
    virtual ~MailTransport() = default;
    /// One attempt; the server's final answer on success, one line saying what failed otherwise.
    /// Returns within the transport's configured time bound.
    virtual Result<std::string> send(const std::string& from, const std::string& to, std::string_view message) = 0;
};

} // namespace kansoku::share::isp

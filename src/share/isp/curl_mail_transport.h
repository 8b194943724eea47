#pragma once

/// SMTP delivery with libcurl (RFC 5321): STARTTLS (RFC 3207) when the server offers it, required
/// with [notify] require_tls, TLS from the start for smtps:// (RFC 8314); SMTP AUTH when a username
/// is set. Each attempt is bounded by [notify] timeout, so a server that accepts and never answers
/// costs at most that.

#include <functional>
#include <string>

#include "share/isp/mail_transport.h"
#include "share/isp/notify_config.h"

namespace kansoku::share::isp {

class CurlMailTransport : public MailTransport {
public:
    /// Polled during an attempt; true ends it at once (shutdown).
    using Cancelled = std::function<bool()>;

    /// Initialises libcurl once per process.
    explicit CurlMailTransport(NotifyConfig config, Cancelled cancelled = {});
    Result<std::string> send(const std::string& from, const std::string& to, std::string_view message) override;

private:
    NotifyConfig config_;
    Cancelled cancelled_;
};

} // namespace kansoku::share::isp

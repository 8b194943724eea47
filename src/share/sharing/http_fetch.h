#pragma once

/// One HTTP(S) GET of a partner's server (TAXII 2.1 client, MISP feeds), bounded: http and https only,
/// no redirects, a timeout for the whole request, a cap on the body (a server sending more is cut off
/// and the fetch fails), and a way to stop a fetch in flight. libcurl underneath.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/result.h"

namespace kansoku::share {

struct HttpFetchOptions {
    std::vector<std::string> headers; ///< "Name: value" lines (Accept, Authorization, ...)
    std::string username;             ///< HTTP Basic, when not empty
    std::string password;
    Duration timeout = Duration::fromSeconds(30);
    uint64_t max_body = 64ULL << 20; ///< bytes
    std::string ca_file;             ///< PEM bundle ("": the system's)
    std::function<bool()> cancelled; ///< polled during the transfer; true aborts it
};

struct HttpAnswer {
    long status = 0;
    std::string content_type;
    std::string date_added_first; ///< X-TAXII-Date-Added-First
    std::string date_added_last;  ///< X-TAXII-Date-Added-Last
    std::string body;
};

/// GETs `url`. Fails (one line naming the host's answer or the transport's error) when no HTTP answer
/// came; any HTTP status is an answer.
Result<HttpAnswer> httpGet(const std::string& url, const HttpFetchOptions& options);

} // namespace kansoku::share

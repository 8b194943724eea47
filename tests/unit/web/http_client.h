#pragma once

// A raw HTTP/1.1 client over a blocking loopback socket, for tests that need exact bytes
// (oversize headers, half-sent requests, silent connections).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kansoku::web::test {

struct RawResponse {
    unsigned status = 0;
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class RawClient {
public:
    explicit RawClient(uint16_t port);
    ~RawClient();
    bool connected() const { return fd_ >= 0; }
    bool send(const std::string& bytes);
    /// Reads one response (a HEAD response's body is not read); nullopt if the connection closed
    /// first or nothing came within `timeout`.
    std::optional<RawResponse> read(bool head = false, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    /// Whatever bytes arrive within `timeout` (at most one read; "" on timeout or close).
    std::string readSome(std::chrono::milliseconds timeout);
    /// True if the server closes the connection within `timeout` (reading and discarding).
    bool closedWithin(std::chrono::milliseconds timeout);

private:
    bool fill(std::chrono::milliseconds timeout);
    int fd_ = -1;
    std::string buffer_;
};

/// One request on a new connection.
std::optional<RawResponse> fetch(uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& extra_headers = "");

} // namespace kansoku::web::test

#include "http_client.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kansoku::web::test {

RawClient::RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool RawClient::send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return true;
}

std::string RawClient::readSome(std::chrono::milliseconds timeout) {
    if (buffer_.empty() && !fill(timeout)) {
        return {};
    }
    return std::exchange(buffer_, std::string());
}

bool RawClient::fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
        return false;
    }
    char chunk[65536];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
}

std::optional<RawResponse> RawClient::read(bool head, std::chrono::milliseconds timeout) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(timeout)) {
            return std::nullopt;
        }
    }
    RawResponse response;
    const std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    response.status = static_cast<unsigned>(std::stoi(status_line.substr(9, 3)));
    while (line_end != std::string::npos) {
        const size_t start = line_end + 2;
        line_end = head_text.find("\r\n", start);
        const std::string line =
            head_text.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    if (!head) {
        const size_t length =
            std::stoul(response.header("content-length").empty() ? "0" : response.header("content-length"));
        while (buffer_.size() < length) {
            if (!fill(timeout)) {
                return std::nullopt;
            }
        }
        response.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
    }
    return response;
}

bool RawClient::closedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) {
            continue;
        }
        char chunk[4096];
        if (::recv(fd_, chunk, sizeof chunk, 0) <= 0) {
            return true;
        }
    }
    return false;
}

std::optional<RawResponse> fetch(uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& extra_headers) {
    RawClient client(port);
    if (!client.connected() ||
        !client.send(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n")) {
        return std::nullopt;
    }
    return client.read(method == "HEAD");
}

} // namespace kansoku::web::test

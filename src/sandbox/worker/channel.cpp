#include "sandbox/worker/channel.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <exception>

#include <sys/socket.h>
#include <unistd.h>

namespace kansoku::sandbox::worker {

namespace {

/// Thrown by the parser callback to stop a parse that nests too deep (caught in next()).
struct TooDeep {};

} // namespace

Result<std::string> encodeFrame(const nlohmann::ordered_json& message, size_t max_bytes) {
    std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (body.empty() || body.size() > max_bytes || body.size() > UINT32_MAX) {
        return fail("message of {} bytes exceeds the channel's cap of {}", body.size(), max_bytes);
    }
    const auto n = static_cast<uint32_t>(body.size());
    std::string frame;
    frame.reserve(kFrameHeaderBytes + body.size());
    frame.push_back(static_cast<char>(n >> 24));
    frame.push_back(static_cast<char>(n >> 16));
    frame.push_back(static_cast<char>(n >> 8));
    frame.push_back(static_cast<char>(n));
    frame += body;
    return frame;
}

void FrameDecoder::feed(std::string_view bytes) {
    if (failed()) {
        return;
    }
    buffer_.erase(0, offset_);
    offset_ = 0;
    buffer_.append(bytes);
}

Result<std::optional<nlohmann::ordered_json>> FrameDecoder::next() {
    if (failed()) {
        return fail("{}", error_);
    }
    const auto broken = [this](std::string why) -> Result<std::optional<nlohmann::ordered_json>> {
        error_ = std::move(why);
        buffer_.clear();
        offset_ = 0;
        return fail("{}", error_);
    };
    if (pending() < kFrameHeaderBytes) {
        return std::optional<nlohmann::ordered_json>();
    }
    const auto* head = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
    const uint32_t length =
        (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) | (uint32_t{head[2]} << 8) | uint32_t{head[3]};
    if (length == 0) {
        return broken("empty frame");
    }
    if (length > max_frame_bytes_) {
        return broken(fmt::format("frame of {} bytes exceeds the cap of {}", length, max_frame_bytes_));
    }
    if (pending() < kFrameHeaderBytes + length) {
        return std::optional<nlohmann::ordered_json>();
    }
    const char* body = buffer_.data() + offset_ + kFrameHeaderBytes;
    offset_ += kFrameHeaderBytes + length;
    nlohmann::ordered_json message;
    try {
        message = nlohmann::ordered_json::parse(
            body, body + length, [](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) {
                if (depth > kMaxJsonDepth) {
                    throw TooDeep{};
                }
                return true;
            });
    } catch (const TooDeep&) {
        return broken(fmt::format("message nested deeper than {}", kMaxJsonDepth));
    } catch (const std::exception& e) {
        return broken(fmt::format("message is not JSON: {}", e.what()));
    }
    if (!message.is_object()) {
        return broken("message is not a JSON object");
    }
    return std::optional<nlohmann::ordered_json>(std::move(message));
}

Result<void> writeFrame(int fd, const nlohmann::ordered_json& message, size_t max_bytes) {
    auto frame = encodeFrame(message, max_bytes);
    KANSOKU_TRY(frame);
    size_t sent = 0;
    while (sent < frame->size()) {
        const ssize_t n = ::send(fd, frame->data() + sent, frame->size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail("channel write: {}", n < 0 ? std::strerror(errno) : "closed");
        }
        sent += static_cast<size_t>(n);
    }
    return {};
}

Result<std::optional<nlohmann::ordered_json>> readFrame(int fd, FrameDecoder& decoder) {
    std::array<char, 65536> buffer{};
    while (true) {
        auto message = decoder.next();
        if (!message || *message) {
            return message;
        }
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return fail("channel read: {}", std::strerror(errno));
        }
        if (n == 0) {
            if (decoder.pending() != 0) {
                return fail("channel closed in the middle of a message");
            }
            return std::optional<nlohmann::ordered_json>();
        }
        decoder.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
}

} // namespace kansoku::sandbox::worker

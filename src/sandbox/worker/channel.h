#pragma once

/// The sandbox worker's channel (issue 10 item 2): a stream socket (socketpair) carrying JSON messages, each
/// framed as a 4-byte big-endian length followed by that many bytes of JSON text (one object). The length is
/// capped: a frame of 0 bytes or longer than the cap, bytes that are not JSON, JSON nested deeper than
/// kMaxJsonDepth or that is not an object are errors, after which the decoder refuses everything (the other
/// side is killed, not resynchronised). What a message must hold is worker_protocol.h's business.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace kansoku::sandbox::worker {

constexpr size_t kFrameHeaderBytes = 4;
/// Deepest nesting a message may have (reports nest about 6 deep); bounds the parser and every walk over it.
constexpr int kMaxJsonDepth = 32;

/// The frame holding `message` (compact JSON, invalid UTF-8 replaced), or an error when it exceeds `max_bytes`.
Result<std::string> encodeFrame(const nlohmann::ordered_json& message, size_t max_bytes);

/// Splits a byte stream into messages. Not thread-safe.
class FrameDecoder {
public:
    explicit FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

    /// Appends bytes read from the channel. Call next() until it gives nullopt after each feed: the buffer then
    /// holds at most one unfinished frame (whose length was checked against the cap) and the bytes fed last.
    void feed(std::string_view bytes);
    /// The next whole message, nullopt when more bytes are needed, or the error that broke the channel (sticky).
    Result<std::optional<nlohmann::ordered_json>> next();
    /// Bytes of a frame begun but not finished (non-zero at EOF: the other side died mid-message).
    size_t pending() const { return buffer_.size() - offset_; }
    bool failed() const { return !error_.empty(); }

private:
    size_t max_frame_bytes_;
    std::string buffer_;
    size_t offset_ = 0;
    std::string error_;
};

/// Writes one frame to a blocking stream socket (MSG_NOSIGNAL; retries on EINTR and short writes).
Result<void> writeFrame(int fd, const nlohmann::ordered_json& message, size_t max_bytes);

/// Reads one message from a blocking stream socket: nullopt at a clean EOF between frames.
Result<std::optional<nlohmann::ordered_json>> readFrame(int fd, FrameDecoder& decoder);

} // namespace kansoku::sandbox::worker

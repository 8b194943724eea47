#pragma once

/// A response body sent as it is produced (server-sent events, GET /api/v1/stream): the handler
/// returns a Response whose `stream` is set; the server sends the head without Content-Length,
/// then whatever take() gives each time the producer calls the wake function, a keep-alive comment
/// when nothing came for a while, until closed() or the client goes (then cancel()). The connection
/// is closed at the end (RFC 9112 section 6.3: the body ends when the connection closes).

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kansoku::web {

class BodyStream {
public:
    virtual ~BodyStream() = default;
    /// Sets what the producer calls, from any thread, when take() has something or closed() turned
    /// true. Called once, by the server's thread, before the first take().
    virtual void onReady(std::function<void()> wake) = 0;
    /// The pieces to send now, in order (may be none).
    virtual std::vector<std::shared_ptr<const std::string>> take() = 0;
    /// The producer ended the stream (e.g. the client fell too far behind).
    virtual bool closed() const = 0;
    /// The client went away or the server stops: the producer forgets this stream.
    virtual void cancel() = 0;
};

} // namespace kansoku::web

#include "web/event_hub.h"

#include <deque>

#include <fmt/format.h>

#include "store/event_row.h"

namespace kansoku::web {

bool streamTypeMatches(const std::vector<std::string>& patterns, std::string_view type) {
    if (patterns.empty()) {
        return true;
    }
    for (const auto& p : patterns) {
        if (!p.empty() && p.back() == '*' ? type.starts_with(std::string_view(p).substr(0, p.size() - 1)) : type == p) {
            return true;
        }
    }
    return false;
}

class EventHub::Client final : public BodyStream, public std::enable_shared_from_this<EventHub::Client> {
public:
    Client(EventHub& hub, StreamFilter filter, size_t max_queue)
        : hub_(hub), filter_(std::move(filter)), max_queue_(max_queue) {}

    void onReady(std::function<void()> wake) override {
        std::lock_guard lock(mutex_);
        wake_ = std::move(wake);
        if (!queue_.empty()) {
            wake_();
        }
    }
    std::vector<std::shared_ptr<const std::string>> take() override {
        std::lock_guard lock(mutex_);
        std::vector<std::shared_ptr<const std::string>> out(queue_.begin(), queue_.end());
        queue_.clear();
        return out;
    }
    bool closed() const override {
        std::lock_guard lock(mutex_);
        return closed_;
    }
    void cancel() override { hub_.remove(this); }

    /// From publish() (under the hub's lock): false when the queue was full and the client is now closed.
    bool offer(const std::shared_ptr<const std::string>& frame) {
        std::function<void()> wake;
        {
            std::lock_guard lock(mutex_);
            if (closed_) {
                return false;
            }
            // Only the first frame of a batch wakes the server's thread: it takes the whole queue, so
            // one post per batch rather than one per event and client.
            const bool was_empty = queue_.empty();
            if (queue_.size() >= max_queue_) {
                closed_ = true;
                queue_.clear();
                wake = wake_;
            } else {
                queue_.push_back(frame);
                if (was_empty) {
                    wake = wake_;
                }
            }
        }
        if (wake) {
            wake(); // posts to the server's thread; never blocks
        }
        return !closed();
    }
    const StreamFilter& filter() const { return filter_; }

private:
    EventHub& hub_;
    StreamFilter filter_;
    size_t max_queue_;
    mutable std::mutex mutex_;
    std::deque<std::shared_ptr<const std::string>> queue_;
    std::function<void()> wake_;
    bool closed_ = false;
};

void EventHub::publish(const Event& event) {
    std::lock_guard lock(mutex_);
    const uint64_t id = ++sequence_;
    if (clients_.empty()) {
        return;
    }
    std::shared_ptr<const std::string> frame;
    std::optional<std::optional<IpAddress>> address; // looked up once, for the first tenant
    for (size_t i = 0; i < clients_.size();) {
        auto& client = clients_[i];
        const auto& filter = client->filter();
        bool wanted = streamTypeMatches(filter.types, event.type);
        if (wanted && filter.scope) {
            if (!address) {
                const auto subject = store::eventSubject(event);
                address = subject ? IpAddress::parse(*subject) : std::nullopt;
            }
            wanted = address->has_value() && filter.scope->contains(**address, std::nullopt);
        }
        if (wanted) {
            if (!frame) {
                // The event's type and JSON line cannot hold a newline (JSON escapes it), so one data line.
                frame = std::make_shared<const std::string>(
                    fmt::format("id: {}\nevent: {}\ndata: {}\n\n", id, event.type, event.toJsonLine()));
            }
            if (client->offer(frame)) {
                counters_.sent.fetch_add(1, std::memory_order_relaxed);
            } else {
                counters_.dropped.fetch_add(1, std::memory_order_relaxed);
                counters_.clients.fetch_sub(1, std::memory_order_relaxed);
                clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
                continue;
            }
        }
        ++i;
    }
}

std::shared_ptr<BodyStream> EventHub::subscribe(StreamFilter filter) {
    auto client = std::make_shared<Client>(*this, std::move(filter), max_queue_);
    std::lock_guard lock(mutex_);
    clients_.push_back(client);
    counters_.clients.fetch_add(1, std::memory_order_relaxed);
    counters_.connected.fetch_add(1, std::memory_order_relaxed);
    return client;
}

void EventHub::remove(const Client* client) {
    std::lock_guard lock(mutex_);
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        if (it->get() == client) {
            clients_.erase(it);
            counters_.clients.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
    }
}

} // namespace kansoku::web

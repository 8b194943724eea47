#pragma once

/// Whether an event is already in the store: the center asks before storing a message the stream
/// delivered again (its acknowledgement was lost, or a center died between commit and ack), so
/// such a message is stored once (docs/transport.md "Exactly once"). One read connection, used
/// from the center bus's fetch thread only.

#include <memory>
#include <string>

#include "common/event.h"
#include "common/result.h"
#include "store/database.h"

namespace kansoku::app {

class StoredEventCheck {
public:
    /// `location` is the store's storage.url or SQLite file (StorageConfig::location()).
    static Result<std::unique_ptr<StoredEventCheck>> open(const std::string& location);
    /// An event with the same type, time and sensor and the same JSON body is stored. A failed
    /// query answers false: storing twice is better than losing.
    bool contains(const Event& event);

private:
    std::unique_ptr<store::Database> store_;
};

} // namespace kansoku::app

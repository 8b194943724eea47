#include "intel/stored_correlation.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "intel/event_body.h"

namespace kansoku::intel {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

store::EventQuery typeQuery(const std::string& type, std::optional<Timestamp> since) {
    store::EventQuery query;
    query.type = type;
    query.since = since;
    return query;
}

/// Reading groups: each group's types are merged in (ts, id) order; groups run one after another.
const std::vector<std::vector<std::string>>& readingOrder() {
    static const std::vector<std::vector<std::string>> groups = {
        {"sample"},
        {"sandbox.report"},
        {"ddos.attack"},
        {"darknet.scan"},
        {"honeypot.login", "honeypot.command", "honeypot.download"},
    };
    return groups;
}

class Reader {
public:
    Reader(Correlator& correlator, const StoredCorrelationOptions& options, uint64_t total)
        : correlator_(correlator), options_(options), total_(total) {}

    /// Reads `types` merged by (ts, id).
    Result<void> readGroup(store::Database& store, const std::vector<std::string>& types) {
        std::vector<std::unique_ptr<store::EventCursor>> cursors;
        std::vector<bool> live;
        for (const std::string& type : types) {
            auto cursor = store.cursor(typeQuery(type, options_.since));
            KANSOKU_TRY(cursor);
            auto first = (*cursor)->next();
            KANSOKU_TRY(first);
            live.push_back(*first);
            cursors.push_back(std::move(*cursor));
        }
        while (true) {
            int best = -1;
            for (size_t i = 0; i < cursors.size(); ++i) {
                if (!live[i]) {
                    continue;
                }
                const store::EventRowView& r = cursors[i]->row();
                if (best < 0 || r.ts < cursors[best]->row().ts ||
                    (r.ts == cursors[best]->row().ts && r.id < cursors[best]->row().id)) {
                    best = static_cast<int>(i);
                }
            }
            if (best < 0) {
                return {};
            }
            observe(cursors[best]->row());
            auto more = cursors[best]->next();
            KANSOKU_TRY(more);
            live[best] = *more;
        }
    }

    uint64_t events() const { return events_; }

private:
    void observe(const store::EventRowView& row) {
        // Only the fields the correlator reads are parsed; a body that is not JSON is counted by the
        // correlator as malformed (a discarded value).
        fields_ = parseBodyFields(row.body, inputFields(row.type));
        correlator_.observe(row.type, row.ts, row.sensor, fields_);
        if ((++events_ & 0xffff) == 0 && options_.progress) {
            options_.progress(events_, total_);
        }
    }

    Correlator& correlator_;
    const StoredCorrelationOptions& options_;
    uint64_t total_;
    uint64_t events_ = 0;
    EventFields fields_;
};

} // namespace

Result<StoredCorrelationSummary> correlateStored(store::Database& store, Correlator& correlator,
                                                 const StoredCorrelationOptions& options) {
    StoredCorrelationSummary summary;
    const auto start = Clock::now();
    uint64_t total = 0;
    if (options.progress) {
        for (const auto& group : readingOrder()) {
            for (const std::string& type : group) {
                auto n = store.countEvents(typeQuery(type, options.since));
                KANSOKU_TRY(n);
                total += *n;
            }
        }
    }
    Reader reader(correlator, options, total);
    for (const auto& group : readingOrder()) {
        if (group.front() == "ddos.attack") {
            correlator.profilesComplete(); // samples and sandbox reports are read
        }
        KANSOKU_TRY(reader.readGroup(store, group));
    }
    if (options.progress) {
        options.progress(reader.events(), total);
    }
    summary.events = reader.events();
    summary.read_seconds = secondsSince(start);

    const auto write_start = Clock::now();
    const CorrelationUpdates updates = correlator.takeUpdates();
    summary.hosts = updates.hosts.size();
    summary.c2 = updates.c2.size();
    if (options.write && !updates.empty()) {
        KANSOKU_TRY(store.begin());
        const Timestamp now = nowMicros();
        for (const store::InfectedHostRecord& host : updates.hosts) {
            if (auto done = store.upsertInfectedHost(host, now); !done) {
                store.rollback();
                return fail(done.error());
            }
        }
        for (const store::C2Record& c2 : updates.c2) {
            if (auto done = store.upsertC2(c2); !done) {
                store.rollback();
                return fail(done.error());
            }
        }
        KANSOKU_TRY(store.commit());
    }
    summary.write_seconds = secondsSince(write_start);
    summary.counters = correlator.counters();
    return summary;
}

} // namespace kansoku::intel

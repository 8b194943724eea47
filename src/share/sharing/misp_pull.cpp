#include "share/sharing/misp_pull.h"

#include <charconv>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "share/misp/misp_feed_reader.h"
#include "store/partner_intel_store.h"

namespace kansoku::share {
namespace {

constexpr uint64_t kMaxFile = 64ULL << 20;
constexpr size_t kBatch = 10'000;

/// A file of a feed kept in a directory: only the names a feed has (manifest.json, <uuid>.json), bounded.
Result<std::string> readFeedFile(const std::filesystem::path& root, std::string_view relative) {
    if (relative.empty() || relative.find('/') != std::string_view::npos ||
        relative.find("..") != std::string_view::npos) {
        return fail("{}: not a file name of a MISP feed", relative.substr(0, 100));
    }
    const auto path = root / std::string(relative);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return fail("{}: {}", path.string(), ec.message());
    }
    if (size > kMaxFile) {
        return fail("{}: larger than {} bytes", path.string(), kMaxFile);
    }
    std::ifstream in(path, std::ios::binary);
    std::string text(size, '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
        return fail("{}: cannot read", path.string());
    }
    return text;
}

Timestamp watermarkOf(const std::string& text) {
    Timestamp value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

} // namespace

Result<PullCounts> pullMispFeed(const FeedConfig& feed, store::PartnerIntelStore& store, Timestamp now,
                                std::function<bool()> cancelled) {
    auto previous = store.feedState(feed.name);
    KANSOKU_TRY(previous);
    store::FeedStateRecord state = previous->value_or(store::FeedStateRecord{feed.name, {}, 0, 0, 0, 0, {}});
    state.last_attempt = now;

    misp::MispFeedReader::Fetch fetch;
    const bool http = feed.url.starts_with("http://") || feed.url.starts_with("https://");
    if (http) {
        auto get = feedGet(feed, std::move(cancelled), "application/json");
        KANSOKU_TRY(get);
        const std::string base = feed.url.back() == '/' ? feed.url : feed.url + "/";
        fetch = [get = std::move(*get), base](std::string_view relative) -> Result<std::string> {
            auto answer = get(base + std::string(relative));
            KANSOKU_TRY(answer);
            if (answer->status != 200) {
                return fail("{}{}: HTTP {}", base, relative, answer->status);
            }
            return std::move(answer->body);
        };
    } else {
        fetch = [root = std::filesystem::path(feed.url)](std::string_view relative) {
            return readFeedFile(root, relative);
        };
    }

    misp::MispFeedReadOptions options;
    options.feed = feed.name;
    options.default_tlp = stix::parseTlp(feed.tlp).value_or(stix::Tlp::Amber);
    options.since = watermarkOf(state.added_after);
    misp::MispFeedReader reader(options);

    PullCounts counts;
    std::vector<store::PartnerObjectRecord> objects;
    std::vector<store::PartnerIndicatorRecord> values;
    const auto flush = [&]() -> Result<void> {
        auto kept = store.putPartnerObjects(feed.name, objects, values);
        KANSOKU_TRY(kept);
        counts.kept += *kept;
        objects.clear();
        values.clear();
        return {};
    };
    auto report = reader.read(fetch, [&](store::PartnerIndicatorRecord&& record) -> Result<void> {
        // One object per attribute: its value goes with it.
        if (objects.empty() || objects.back().id != record.indicator_id) {
            objects.push_back({feed.name, record.indicator_id, "misp-attribute", record.modified, record.tlp, now,
                               nlohmann::json({{"kind", record.kind}, {"value", record.value}, {"name", record.name}})
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
        }
        values.push_back(std::move(record));
        ++counts.values;
        return objects.size() >= kBatch ? flush() : Result<void>();
    });
    Result<void> done = report ? flush() : Result<void>(fail(report.error()));
    if (report) {
        counts.pages = static_cast<int64_t>(report->events_read);
        counts.received = static_cast<int64_t>(report->attributes);
        counts.refused = static_cast<int64_t>(report->events_refused);
        for (const auto& [why, n] : report->skipped) {
            if (counts.refusals.size() < 10) {
                counts.refusals.push_back(fmt::format("{} x{}", why, n));
            }
        }
    }
    state.objects += counts.kept;
    state.refused += counts.refused;
    if (done) {
        state.added_after = std::to_string(report->next_since);
        counts.added_after = state.added_after;
        state.last_success = now;
        state.last_error.clear();
    } else {
        state.last_error = done.error().message.substr(0, 500);
    }
    KANSOKU_TRY(store.putFeedState(state));
    if (!done) {
        return fail("feed {}: {}", feed.name, done.error().message);
    }
    return counts;
}

} // namespace kansoku::share

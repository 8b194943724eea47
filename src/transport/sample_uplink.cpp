#include "transport/sample_uplink.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nats/nats.h>

#include "transport/event_subject.h"
#include "transport/sample_subject.h"

namespace kansoku::transport {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kQueueSuffix = ".json";
constexpr uint64_t kMaxQueueEntryBytes = 1 << 20;

std::string readSmallFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto out = std::move(text).str();
    return out.size() > kMaxQueueEntryBytes ? std::string() : out;
}

} // namespace

SampleUplink::SampleUplink(std::string sensor, NatsConfig nats, SampleReader reader)
    : sensor_(std::move(sensor)), nats_(std::move(nats)), reader_(std::move(reader)),
      queue_dir_(std::filesystem::path(nats_.spool_dir) / "samples") {}

Result<std::unique_ptr<SampleUplink>> SampleUplink::open(std::string sensor, NatsConfig nats, SampleReader reader) {
    std::unique_ptr<SampleUplink> uplink(new SampleUplink(std::move(sensor), std::move(nats), std::move(reader)));
    std::error_code ec;
    std::filesystem::create_directories(uplink->queue_dir_, ec);
    if (ec) {
        return fail("sample queue {}: {}", uplink->queue_dir_.string(), ec.message());
    }
    uplink->counters_.pending = uplink->queuedSamples().size();
    auto connection = NatsConnection::connect(uplink->nats_, "kansoku sensor " + uplink->sensor_ + " samples", true);
    KANSOKU_TRY(connection);
    uplink->connection_ = std::move(*connection);
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = uplink->nats_.ack_timeout.millis();
    if (auto s = natsConnection_JetStream(&uplink->js_, uplink->connection_->raw(), &js_options); s != NATS_OK) {
        return fail(NatsConnection::error(s, "nats jetstream context"));
    }
    return uplink;
}

SampleUplink::~SampleUplink() {
    stop(std::chrono::milliseconds(0));
    connection_.reset();
    if (js_ != nullptr) {
        jsCtx_Destroy(js_);
    }
}

void SampleUplink::publish(const Event& event) {
    if (event.type != "sample") {
        return;
    }
    const auto sha = event.fields.find("sha256");
    if (sha == event.fields.end() || !sha->is_string() || !isSampleSha256(sha->get_ref<const std::string&>())) {
        return;
    }
    const std::string sha256 = sha->get<std::string>();
    const auto path = queue_dir_ / (sha256 + std::string(kQueueSuffix));
    if (std::filesystem::exists(path)) {
        return;
    }
    Json entry = Json::object();
    const auto sources = event.fields.find("sources");
    entry["sources"] = sources != event.fields.end() && sources->is_array() ? *sources : Json::array();
    // Written beside and renamed: the sender never reads half an entry.
    const auto temporary = queue_dir_ / (".tmp-" + sha256);
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << entry.dump();
        if (!out) {
            noteError(fmt::format("sample queue {}: cannot write", temporary.string()));
            return;
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        noteError(fmt::format("sample queue {}: {}", path.string(), ec.message()));
        return;
    }
    std::lock_guard lock(mutex_);
    ++counters_.queued;
    ++counters_.pending;
    wake_ = true;
    changed_.notify_all();
}

std::vector<std::string> SampleUplink::queuedSamples() const {
    std::vector<std::pair<std::filesystem::file_time_type, std::string>> entries;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(queue_dir_, ec)) {
        const auto name = entry.path().filename().string();
        if (name.size() == 64 + kQueueSuffix.size() && name.ends_with(kQueueSuffix) &&
            isSampleSha256(std::string_view(name).substr(0, 64))) {
            entries.emplace_back(entry.last_write_time(ec), name.substr(0, 64));
        }
    }
    std::sort(entries.begin(), entries.end()); // oldest first
    std::vector<std::string> out;
    out.reserve(entries.size());
    for (auto& [time, sha256] : entries) {
        out.push_back(std::move(sha256));
    }
    return out;
}

Result<bool> SampleUplink::publishPart(const std::string& part, const std::string& sha256, const char* data,
                                       size_t size) {
    const auto subject = sampleSubject(nats_.sample_subject_prefix, sensor_, sha256, part);
    const auto id = sampleMessageId(sensor_, sha256, part);
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, data, static_cast<int>(size));
    if (s == NATS_OK) {
        s = natsMsgHeader_Set(msg, "Nats-Msg-Id", id.c_str());
    }
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    if (s == NATS_OK) {
        jsPubOptions options;
        jsPubOptions_Init(&options);
        options.MaxWait = nats_.ack_timeout.millis();
        s = js_PublishMsg(&ack, js_, msg, &options, &code);
    }
    natsMsg_Destroy(msg);
    const bool duplicate = ack != nullptr && ack->Duplicate;
    jsPubAck_Destroy(ack);
    if (s != NATS_OK) {
        return fail(NatsConnection::error(
            s, fmt::format("sample {} part {} (error {})", sha256, part, static_cast<int>(code))));
    }
    return duplicate;
}

bool SampleUplink::send(const std::string& sha256) {
    const auto entry_path = queue_dir_ / (sha256 + std::string(kQueueSuffix));
    auto forget = [&](uint64_t SampleUplinkCounters::*counter) {
        std::error_code ec;
        std::filesystem::remove(entry_path, ec);
        std::lock_guard lock(mutex_);
        ++(counters_.*counter);
        counters_.pending = counters_.pending > 0 ? counters_.pending - 1 : 0;
        changed_.notify_all();
        return true;
    };
    auto bytes = reader_(sha256);
    if (!bytes) {
        noteError(fmt::format("sample {}: {}", sha256, bytes.error().message));
        return forget(&SampleUplinkCounters::unreadable);
    }
    if (bytes->size() > nats_.max_sample.bytes()) {
        noteError(fmt::format("sample {}: {} bytes, above max_sample", sha256, bytes->size()));
        return forget(&SampleUplinkCounters::too_large);
    }
    const uint64_t chunk = nats_.sample_chunk.bytes();
    const uint64_t chunks = sampleChunkCount(bytes->size(), chunk);
    for (uint64_t i = 0; i < chunks && !(stopping_.load() && std::chrono::steady_clock::now() > drain_deadline_); ++i) {
        const uint64_t offset = i * chunk;
        const uint64_t size = std::min<uint64_t>(chunk, bytes->size() - offset);
        auto sent = publishPart(std::to_string(i), sha256, reinterpret_cast<const char*>(bytes->data() + offset),
                                static_cast<size_t>(size));
        if (!sent) {
            noteError(sent.error().message);
            return false;
        }
        std::lock_guard lock(mutex_);
        ++counters_.chunks;
    }
    Json entry = Json::parse(readSmallFile(entry_path), nullptr, false);
    Json manifest = Json::object();
    manifest["sha256"] = sha256;
    manifest["size"] = bytes->size();
    manifest["chunk_size"] = chunk;
    manifest["chunks"] = chunks;
    manifest["sensor"] = sensor_;
    manifest["sources"] = entry.is_object() && entry.contains("sources") ? entry["sources"] : Json::array();
    const auto text = manifest.dump();
    auto sent = publishPart(std::string(kManifestPart), sha256, text.data(), text.size());
    if (!sent) {
        noteError(sent.error().message);
        return false;
    }
    if (*sent) {
        std::lock_guard lock(mutex_);
        ++counters_.duplicates;
    }
    return forget(&SampleUplinkCounters::sent);
}

void SampleUplink::sendLoop() {
    auto backoff = nats_.reconnect_wait.as<std::chrono::milliseconds>();
    const auto max_backoff = std::chrono::milliseconds(5000);
    while (true) {
        const bool draining = stopping_.load();
        if (draining && std::chrono::steady_clock::now() >= drain_deadline_) {
            return;
        }
        bool failed = false;
        const auto queued = queuedSamples();
        for (const auto& sha256 : queued) {
            if (stopping_.load() && std::chrono::steady_clock::now() >= drain_deadline_) {
                return;
            }
            if (!send(sha256)) {
                failed = true;
                break;
            }
        }
        if (draining && queued.empty()) {
            return;
        }
        std::unique_lock lock(mutex_);
        if (failed) {
            ++counters_.failures;
            changed_.wait_for(lock, backoff, [this] {
                return stopping_.load() && std::chrono::steady_clock::now() >= drain_deadline_;
            });
            backoff = std::min(backoff * 2, max_backoff);
        } else {
            backoff = nats_.reconnect_wait.as<std::chrono::milliseconds>();
            changed_.wait_for(lock, std::chrono::milliseconds(1000), [this] { return wake_ || stopping_.load(); });
        }
        wake_ = false;
    }
}

void SampleUplink::start() {
    if (!sender_.joinable()) {
        sender_ = std::thread([this] { sendLoop(); });
    }
}

void SampleUplink::stop(std::chrono::milliseconds drain) {
    if (stopping_.load()) {
        return;
    }
    drain_deadline_ = std::chrono::steady_clock::now() + drain; // published to the sender by the store below
    stopping_.store(true);
    {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }
    if (sender_.joinable()) {
        sender_.join();
    }
}

bool SampleUplink::waitSent(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return counters_.pending == 0; });
}

SampleUplinkCounters SampleUplink::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void SampleUplink::noteError(std::string message) {
    std::lock_guard lock(mutex_);
    counters_.last_error = std::move(message);
}

} // namespace kansoku::transport

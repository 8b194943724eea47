#include "transport/sample_intake.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include "transport/jetstream_stream.h"
#include "transport/sample_subject.h"

namespace kansoku::transport {
namespace {

using Json = nlohmann::ordered_json;

constexpr uint64_t kMaxChunkSize = 1 << 20; // nats-server's default max_payload

struct MsgDeleter {
    void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};

std::optional<uint64_t> unsignedField(const Json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_unsigned()) {
        return std::nullopt;
    }
    return it->get<uint64_t>();
}

/// The numbers of a manifest: size, chunks and chunk size, all present and unsigned.
struct ManifestShape {
    uint64_t size = 0;
    uint64_t chunks = 0;
    uint64_t chunk_size = 0;
};

std::optional<ManifestShape> manifestShape(const Json& manifest) {
    if (!manifest.is_object()) {
        return std::nullopt;
    }
    const auto size = unsignedField(manifest, "size");
    const auto chunks = unsignedField(manifest, "chunks");
    const auto chunk_size = unsignedField(manifest, "chunk_size");
    if (!size.has_value() || !chunks.has_value() || !chunk_size.has_value()) {
        return std::nullopt;
    }
    return ManifestShape{size.value(), chunks.value(), chunk_size.value()};
}

std::string_view textField(const Json& object, const char* key) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                                 : std::string_view();
}

} // namespace

std::string_view sampleRefusalName(SampleRefusal refusal) {
    switch (refusal) {
    case SampleRefusal::Malformed:
        return "malformed";
    case SampleRefusal::SensorMismatch:
        return "sensor_mismatch";
    case SampleRefusal::Oversized:
        return "oversized";
    case SampleRefusal::Incomplete:
        return "incomplete";
    case SampleRefusal::Digest:
        return "digest";
    }
    return "malformed";
}

SampleIntake::SampleIntake(NatsConfig nats, SampleIntakeHandler handler)
    : nats_(std::move(nats)), handler_(std::move(handler)) {}

Result<std::unique_ptr<SampleIntake>> SampleIntake::open(std::string center, NatsConfig nats,
                                                         SampleIntakeHandler handler) {
    std::unique_ptr<SampleIntake> intake(new SampleIntake(std::move(nats), std::move(handler)));
    auto connection = NatsConnection::connect(intake->nats_, "kansoku center " + center + " samples", false);
    KANSOKU_TRY(connection);
    intake->connection_ = std::move(*connection);
    KANSOKU_TRY(intake->bind());
    return intake;
}

Result<void> SampleIntake::bind() {
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = 5000;
    if (auto s = natsConnection_JetStream(&js_, connection_->raw(), &js_options); s != NATS_OK) {
        return fail(NatsConnection::error(s, "nats jetstream context"));
    }
    // A chunk, its headers and the manifest (sources of up to max_sources sightings) fit this.
    const auto largest = static_cast<int64_t>(std::max<uint64_t>(nats_.sample_chunk.bytes(), 64 * 1024) + 4096);
    KANSOKU_TRY(ensureStream(js_, nats_, {nats_.sample_stream, nats_.sample_subject_prefix + ".>", largest}));
    auto subscription = bindPullConsumer(
        js_, nats_,
        {nats_.sample_stream, sampleManifestFilter(nats_.sample_subject_prefix), nats_.sample_durable, 256});
    KANSOKU_TRY(subscription);
    subscription_ = *subscription;
    return {};
}

SampleIntake::~SampleIntake() {
    stop();
    if (subscription_ != nullptr) {
        natsSubscription_Destroy(subscription_);
    }
    connection_.reset();
    if (js_ != nullptr) {
        jsCtx_Destroy(js_);
    }
}

void SampleIntake::start() {
    if (!started_.exchange(true)) {
        fetcher_ = std::thread([this] { fetchLoop(); });
    }
}

void SampleIntake::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    if (fetcher_.joinable()) {
        fetcher_.join();
    }
}

void SampleIntake::fetchLoop() {
    while (!stopping_.load()) {
        natsMsgList list{};
        const natsStatus s = natsSubscription_Fetch(&list, subscription_, 16, 500, nullptr);
        for (int i = 0; i < list.Count && !stopping_.load(); ++i) {
            consume(list.Msgs[i]);
        }
        natsMsgList_Destroy(&list);
        if (s != NATS_OK && s != NATS_TIMEOUT) {
            std::lock_guard lock(mutex_);
            counters_.last_error = NatsConnection::error(s, "nats fetch of sample manifests").message;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

void SampleIntake::refuse(void* raw, SampleRefusal refusal, std::string why) {
    (void)natsMsg_Term(static_cast<natsMsg*>(raw), nullptr);
    std::lock_guard lock(mutex_);
    ++counters_.refused[static_cast<size_t>(refusal)];
    counters_.last_error = std::move(why);
}

std::optional<SampleRefusal> SampleIntake::readChunks(const IncomingSample& sample, uint64_t chunks,
                                                      uint64_t chunk_size, std::vector<uint8_t>& bytes) {
    bytes.clear();
    bytes.reserve(sample.size);
    for (uint64_t i = 0; i < chunks; ++i) {
        const auto subject =
            sampleSubject(nats_.sample_subject_prefix, sample.sensor, sample.sha256, std::to_string(i));
        natsMsg* raw = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        if (js_GetLastMsg(&raw, js_, nats_.sample_stream.c_str(), subject.c_str(), nullptr, &code) != NATS_OK) {
            return SampleRefusal::Incomplete;
        }
        std::unique_ptr<natsMsg, MsgDeleter> msg(raw);
        const auto size = static_cast<uint64_t>(natsMsg_GetDataLength(raw));
        const bool last = i + 1 == chunks;
        if ((!last && size != chunk_size) || bytes.size() + size > sample.size) {
            return SampleRefusal::Incomplete;
        }
        const auto* data = reinterpret_cast<const uint8_t*>(natsMsg_GetData(raw));
        bytes.insert(bytes.end(), data, data + size);
    }
    return bytes.size() == sample.size ? std::nullopt : std::optional(SampleRefusal::Incomplete);
}

void SampleIntake::purge(const IncomingSample& sample) {
    const auto subject = sampleSubject(nats_.sample_subject_prefix, sample.sensor, sample.sha256, ">");
    jsOptions options;
    jsOptions_Init(&options);
    options.Stream.Purge.Subject = subject.c_str();
    jsErrCode code = static_cast<jsErrCode>(0);
    if (js_PurgeStream(js_, nats_.sample_stream.c_str(), &options, &code) != NATS_OK) {
        std::lock_guard lock(mutex_);
        ++counters_.purge_errors;
    }
}

void SampleIntake::consume(void* raw) {
    auto* msg = static_cast<natsMsg*>(raw);
    {
        std::lock_guard lock(mutex_);
        ++counters_.manifests;
    }
    const auto subject = parseSampleSubject(nats_.sample_subject_prefix, natsMsg_GetSubject(msg));
    if (!subject || subject->part != kManifestPart) {
        return refuse(msg, SampleRefusal::Malformed, fmt::format("sample manifest on {}", natsMsg_GetSubject(msg)));
    }
    const std::string_view body(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
    const Json manifest = body.size() <= nats_.max_message.bytes() ? Json::parse(body, nullptr, false) : Json();
    const auto shape = manifestShape(manifest);
    if (!shape || shape->chunk_size == 0 || shape->chunk_size > kMaxChunkSize ||
        textField(manifest, "sha256") != subject->sha256 || !manifest.contains("sources") ||
        !manifest.at("sources").is_array()) {
        return refuse(msg, SampleRefusal::Malformed, fmt::format("sample manifest {}: malformed", subject->sha256));
    }
    const uint64_t sample_size = shape->size;
    const uint64_t chunk_count = shape->chunks;
    const uint64_t chunk_bytes = shape->chunk_size;
    // The sensor's identity is the subject (nats-server lets each sensor publish only its own).
    bool same_sensor = textField(manifest, "sensor") == subject->sensor;
    for (const auto& source : manifest.at("sources")) {
        same_sensor = same_sensor && textField(source, "sensor") == subject->sensor;
    }
    if (!same_sensor) {
        return refuse(msg, SampleRefusal::SensorMismatch,
                      fmt::format("sample {} on {}'s subject claims another sensor", subject->sha256, subject->sensor));
    }
    if (sample_size > nats_.max_sample.bytes()) {
        return refuse(msg, SampleRefusal::Oversized, fmt::format("sample {}: {} bytes", subject->sha256, sample_size));
    }
    if (chunk_count != sampleChunkCount(sample_size, chunk_bytes)) {
        return refuse(msg, SampleRefusal::Malformed, fmt::format("sample {}: chunk count", subject->sha256));
    }
    IncomingSample sample{std::string(subject->sensor), std::string(subject->sha256), sample_size,
                          manifest.at("sources")};
    std::optional<std::vector<uint8_t>> bytes;
    const bool known = handler_.known(sample.sha256);
    if (!known) {
        bytes.emplace();
        if (const auto refusal = readChunks(sample, chunk_count, chunk_bytes, *bytes)) {
            purge(sample);
            return refuse(msg, *refusal, fmt::format("sample {}: chunks missing or of the wrong size", sample.sha256));
        }
    }
    switch (handler_.take(sample, std::move(bytes))) {
    case IntakeOutcome::Stored: {
        (void)natsMsg_Ack(msg, nullptr);
        purge(sample);
        std::lock_guard lock(mutex_);
        ++(known ? counters_.sightings : counters_.stored);
        return;
    }
    case IntakeOutcome::Refused:
        purge(sample);
        return refuse(msg, SampleRefusal::Digest, fmt::format("sample {}: content does not match", sample.sha256));
    case IntakeOutcome::Failed: {
        (void)natsMsg_Nak(msg, nullptr);
        std::lock_guard lock(mutex_);
        ++counters_.failed;
        return;
    }
    }
}

SampleIntakeCounters SampleIntake::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

} // namespace kansoku::transport

#include "app/center_samples.h"

#include <fmt/format.h>

#include "app/sample_analysis.h"
#include "malware/hashes.h"

namespace kansoku::app {

Result<std::unique_ptr<CenterSamples>> CenterSamples::open(const Config& config, EventSink& sink) {
    std::unique_ptr<CenterSamples> samples(new CenterSamples());
    malware::SampleStoreOptions options;
    options.max_sample_bytes = config.transport.nats.max_sample.bytes();
    auto store = malware::SampleStore::open(config.honeypot.samples_dir, options);
    if (!store) {
        return fail("honeypot.samples_dir: {}", store.error().message);
    }
    samples->store_ = std::make_unique<malware::SampleStore>(std::move(*store));
    auto pipeline = startSampleAnalysis(config, *samples->store_, sink, samples->notices_);
    KANSOKU_TRY(pipeline);
    samples->pipeline_ = std::move(*pipeline);
    auto* self = samples.get();
    transport::SampleIntakeHandler handler;
    handler.known = [self](const std::string& sha256) {
        auto found = self->store_->find(sha256);
        return found && found->has_value();
    };
    handler.take = [self](const transport::IncomingSample& sample, std::optional<std::vector<uint8_t>> bytes) {
        return self->take(sample, std::move(bytes));
    };
    auto intake = transport::SampleIntake::open(config.sensor_name, config.transport.nats, std::move(handler));
    KANSOKU_TRY(intake);
    samples->intake_ = std::move(*intake);
    return samples;
}

CenterSamples::~CenterSamples() {
    stop();
}

void CenterSamples::start() {
    intake_->start();
}

void CenterSamples::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    intake_->stop();
    pipeline_->stop();
}

transport::IntakeOutcome CenterSamples::take(const transport::IncomingSample& sample,
                                             std::optional<std::vector<uint8_t>> bytes) {
    if (!bytes) {
        auto held = store_->read(sample.sha256);
        if (!held) {
            return transport::IntakeOutcome::Failed;
        }
        bytes = std::move(*held);
    } else {
        auto digests = malware::hashBytes(*bytes);
        if (!digests || digests->sha256 != sample.sha256) {
            return transport::IntakeOutcome::Refused;
        }
    }
    std::vector<malware::SampleSource> sources;
    for (const auto& item : sample.sources) {
        malware::SampleSource source;
        if (malware::readSampleSource(item, source)) {
            sources.push_back(std::move(source));
        }
    }
    if (sources.empty()) { // the sensor named none we could read: it is still the sensor's sample
        malware::SampleSource source;
        source.kind = malware::SourceKind::Upload;
        source.sensor = sample.sensor;
        source.first_seen = nowMicros();
        sources.push_back(std::move(source));
    }
    std::optional<malware::StoredSample> first;
    for (const auto& source : sources) {
        auto stored = store_->put(*bytes, source);
        if (!stored) {
            return transport::IntakeOutcome::Failed;
        }
        if (!first) {
            first = std::move(*stored);
        }
    }
    if (first->is_new) {
        sandbox::PipelineSample job;
        job.sha256 = first->sha256;
        job.path = first->path;
        job.filename = malware::sourceFileName(sources.front());
        job.workdir = malware::sourceDirectory(sources.front());
        job.origin = "sensor " + sample.sensor;
        pipeline_->submit(std::move(job));
    }
    return transport::IntakeOutcome::Stored;
}

std::string CenterSamples::summary() const {
    const auto c = intake_->counters();
    std::string refused;
    for (size_t i = 0; i < transport::kSampleRefusalCount; ++i) {
        if (c.refused[i] > 0) {
            refused +=
                fmt::format("{}{} {}", refused.empty() ? "" : ", ",
                            transport::sampleRefusalName(static_cast<transport::SampleRefusal>(i)), c.refused[i]);
        }
    }
    return fmt::format("samples from sensors: {} manifests, {} new samples stored, {} sightings of held samples, "
                       "refused: {}; {} failed (delivered again)\n",
                       c.manifests, c.stored, c.sightings, refused.empty() ? "none" : refused, c.failed);
}

} // namespace kansoku::app

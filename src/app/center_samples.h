#pragma once

/// Samples that arrive at `kansoku center` from sensors (docs/transport.md "Samples"): the center's
/// sample store ([honeypot] samples_dir of the center's config) and sample pipeline, fed by the
/// transport's SampleIntake. A sample is checked against its SHA-256, stored with the sources its
/// sensor reported, and a new one goes through triage and the sandbox like a local sample; one the
/// center already holds only gains the sources.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/event_sink.h"
#include "malware/sample_store.h"
#include "sandbox/analysis/sample_pipeline.h"
#include "transport/sample_intake.h"

namespace kansoku::app {

class CenterSamples {
public:
    /// Opens the store, starts the pipeline (its events go to `sink`), connects the intake. Call start() after.
    static Result<std::unique_ptr<CenterSamples>> open(const Config& config, EventSink& sink);
    /// stop().
    ~CenterSamples();

    void start();
    /// The intake first (the manifest in hand is finished), then the pipeline. Idempotent.
    void stop();

    const std::vector<std::string>& notices() const { return notices_; }
    /// One line for the summary at exit.
    std::string summary() const;

private:
    CenterSamples() = default;
    transport::IntakeOutcome take(const transport::IncomingSample& sample, std::optional<std::vector<uint8_t>> bytes);

    std::vector<std::string> notices_;
    std::unique_ptr<malware::SampleStore> store_;
    std::unique_ptr<sandbox::SamplePipeline> pipeline_;
    std::unique_ptr<transport::SampleIntake> intake_; // last: stopped first, it feeds the pipeline
    bool stopped_ = false;
};

} // namespace kansoku::app

#pragma once

/// The sample pipeline (static triage, and the sandbox's worker processes when [sandbox] enabled
/// runs as root) built from config for a sample store: the honeypots' at a sensor or in `kansoku
/// run`, and the center's for samples that arrive from sensors (docs/transport.md "Samples").

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/event_sink.h"
#include "malware/sample_store.h"
#include "sandbox/analysis/sample_pipeline.h"

namespace kansoku::app {

/// Starts the pipeline on `store`, its events going to `sink` (thread-safe; both must outlive it).
/// What the operator should know (the sandbox needs root) is added to `notices`. With [sandbox]
/// resume, samples in the store without their documents are picked up.
Result<std::unique_ptr<sandbox::SamplePipeline>> startSampleAnalysis(const Config& config, malware::SampleStore& store,
                                                                     EventSink& sink,
                                                                     std::vector<std::string>& notices);

} // namespace kansoku::app

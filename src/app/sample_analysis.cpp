#include "app/sample_analysis.h"

#include <chrono>

#include <unistd.h>

#include "app/yara_rules.h"
#include "sandbox/worker/worker_supervisor.h"

namespace kansoku::app {

Result<std::unique_ptr<sandbox::SamplePipeline>> startSampleAnalysis(const Config& config, malware::SampleStore& store,
                                                                     EventSink& sink,
                                                                     std::vector<std::string>& notices) {
    sandbox::SamplePipelineOptions options;
    options.sensor = config.sensor_name;
    auto rules = yaraRules(config.honeypot.rules_dir);
    if (!rules) {
        return fail("triage rules: {}", rules.error().message);
    }
    options.triage.triager.yara_rules = std::move(*rules);
    options.triage.workers = static_cast<size_t>(config.sandbox.triage_workers);
    options.max_drop_depth = static_cast<unsigned>(config.sandbox.max_drop_depth);
    if (config.sandbox.enabled && geteuid() != 0) {
        notices.emplace_back("sandbox: disabled: running samples needs root (namespaces); static triage still "
                             "runs; [sandbox] enabled = false silences this");
    } else if (config.sandbox.enabled) {
        // Out of process: a worker that crashes or hangs is restarted; the honeypots never notice.
        sandbox::worker::WorkerSupervisorOptions workers;
        workers.workers = static_cast<size_t>(config.sandbox.workers);
        workers.capacity = static_cast<size_t>(config.sandbox.queue_size);
        workers.analysis.timeout = config.sandbox.timeout.as<std::chrono::milliseconds>();
        options.sandbox = sandbox::worker::workerSandbox(std::move(workers));
    }
    auto pipeline =
        sandbox::SamplePipeline::create(store, std::move(options), [&sink](Event event) { sink.publish(event); });
    KANSOKU_TRY(pipeline);
    if (config.sandbox.resume) {
        (*pipeline)->resume();
    }
    return pipeline;
}

} // namespace kansoku::app

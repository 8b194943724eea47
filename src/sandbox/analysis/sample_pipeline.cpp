#include "sandbox/analysis/sample_pipeline.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "common/time.h"
#include "malware/sample_event.h"

namespace kansoku::sandbox {

namespace fs = std::filesystem;

namespace {

/// A name the jail accepts for the sample's file: no '/', NUL or control bytes, not "." or "..",
/// at most 128 bytes; "" (the queue's default name) when nothing is left.
std::string jailFileName(std::string name) {
    for (char& c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/') {
            c = '_';
        }
    }
    if (name.size() > 128) {
        name.resize(128);
    }
    return name == "." || name == ".." ? std::string() : name;
}

std::string dump(const nlohmann::ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

/// How a stored sample arrived, as well as its record says: the first source that says where the
/// attacker put it, else the first that names a file by its URL.
PipelineSample fromRecord(const malware::SampleRecord& record, const fs::path& path) {
    PipelineSample sample;
    sample.sha256 = record.sha256;
    sample.path = path;
    sample.origin = "store";
    const auto named =
        std::find_if(record.sources.begin(), record.sources.end(), [](const auto& s) { return s.path.has_value(); });
    const auto by_url = std::find_if(record.sources.begin(), record.sources.end(),
                                     [](const auto& s) { return !malware::sourceFileName(s).empty(); });
    const auto best = named != record.sources.end() ? named : by_url;
    if (best != record.sources.end()) {
        sample.filename = malware::sourceFileName(*best);
        sample.workdir = malware::sourceDirectory(*best);
    }
    return sample;
}

} // namespace

std::string jailWorkdir(const std::string& workdir) {
    for (const char* dir : {"/var/run", "/tmp"}) {
        if (workdir == dir || workdir.starts_with(std::string(dir) + "/")) {
            return dir;
        }
    }
    return {};
}

SamplePipeline::SamplePipeline(malware::SampleStore& store, SamplePipelineOptions options, PipelineEventSink sink)
    : store_(store), options_(std::move(options)), sink_(std::move(sink)) {}

Result<std::unique_ptr<SamplePipeline>> SamplePipeline::create(malware::SampleStore& store,
                                                               SamplePipelineOptions options, PipelineEventSink sink) {
    std::unique_ptr<SamplePipeline> pipeline(new SamplePipeline(store, std::move(options), std::move(sink)));
    SamplePipeline* self = pipeline.get();
    auto pool = malware::triage::TriagePool::create(
        self->options_.triage, [self](const malware::triage::TriageJob& job, malware::triage::TriageReport&& report) {
            self->triaged(job.tag, std::move(report));
        });
    KANSOKU_TRY(pool);
    self->triage_ = std::move(*pool);
    if (self->options_.sandbox) {
        // Dropped files wait in a private directory of ours until they are in the store.
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/kansoku-drops-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            return fail("sandbox: cannot create a directory for dropped files under {}",
                        fs::path(pattern).parent_path().string());
        }
        self->drops_dir_ = pattern;
        auto runner = self->options_.sandbox(self->drops_dir_.string(),
                                             [self](SandboxResult&& result) { self->analysed(std::move(result)); });
        KANSOKU_TRY(runner);
        self->sandbox_ = std::move(*runner);
    }
    return pipeline;
}

SamplePipeline::~SamplePipeline() {
    stop();
}

void SamplePipeline::stop() {
    stopping_.store(true);
    if (resumer_.joinable()) {
        resumer_.join();
    }
    // The sandbox first: its last reports may still store dropped files and hand them to triage.
    if (sandbox_) {
        sandbox_->stop();
    }
    if (triage_) {
        triage_->stop();
    }
    if (!drops_dir_.empty()) {
        std::error_code ec;
        fs::remove_all(drops_dir_, ec);
        drops_dir_.clear();
    }
}

void SamplePipeline::publish(Event event) {
    try {
        sink_(std::move(event));
    } catch (...) {
        std::lock_guard lock(mutex_);
        ++counters_.sink_errors;
    }
}

void SamplePipeline::publishSample(const malware::SampleRecord& record, const malware::triage::TriageReport* report) {
    malware::SampleTriageSummary triage;
    if (report != nullptr) {
        for (const auto& match : report->yara) {
            triage.yara.push_back(match.rule);
        }
        triage.packers = report->packers;
    }
    publish(malware::makeSampleEvent(record, nowMicros(), options_.sensor, report != nullptr ? &triage : nullptr));
}

void SamplePipeline::submit(PipelineSample sample) {
    uint64_t tag = 0;
    {
        std::lock_guard lock(mutex_);
        tag = ++next_tag_;
        triaging_.emplace(tag, sample);
    }
    if (triage_->submit(malware::triage::TriageJob{sample.path, tag})) {
        return;
    }
    // No room for triage: the sample is still announced (without digests) and still run.
    {
        std::lock_guard lock(mutex_);
        triaging_.erase(tag);
        ++counters_.not_triaged;
    }
    if (auto record = store_.find(sample.sha256); record && *record) {
        publishSample(**record, nullptr);
    }
    toSandbox(sample);
}

void SamplePipeline::triaged(uint64_t tag, malware::triage::TriageReport&& report) {
    PipelineSample sample;
    {
        std::lock_guard lock(mutex_);
        auto it = triaging_.find(tag);
        if (it == triaging_.end()) {
            return;
        }
        sample = std::move(it->second);
        triaging_.erase(it);
    }
    auto written = store_.writeReport(sample.sha256, "triage", dump(report.toJson()));
    auto record = store_.setDigests(sample.sha256, report.ssdeep, report.tlsh);
    {
        std::lock_guard lock(mutex_);
        ++(written ? counters_.triaged : counters_.store_errors);
        counters_.store_errors += record ? 0 : 1;
    }
    if (record) {
        publishSample(*record, &report);
    }
    toSandbox(sample);
}

void SamplePipeline::toSandbox(const PipelineSample& sample) {
    if (!sandbox_) {
        return;
    }
    if (sample.depth > options_.max_drop_depth) {
        std::lock_guard lock(mutex_);
        ++counters_.drops_not_run;
        return;
    }
    AnalysisJob job;
    job.path = sample.path.string();
    job.sha256 = sample.sha256;
    job.filename = jailFileName(sample.filename);
    if (!sample.argv.empty()) {
        job.argv0 = sample.argv.front();
        job.args.assign(sample.argv.begin() + 1, sample.argv.end());
    }
    job.workdir = jailWorkdir(sample.workdir);
    job.source = sample.origin;
    {
        std::lock_guard lock(mutex_);
        if (!running_.emplace(sample.sha256, sample).second) {
            return; // already waiting or running
        }
    }
    const SubmitStatus status = sandbox_->submit(std::move(job));
    if (status != SubmitStatus::Queued) {
        // A duplicate was analysed earlier in this process's life; full or stopped is a loss.
        std::lock_guard lock(mutex_);
        running_.erase(sample.sha256);
        counters_.not_analysed += status == SubmitStatus::Duplicate ? 0 : 1;
    }
}

void SamplePipeline::analysed(SandboxResult&& result) {
    PipelineSample sample;
    {
        std::lock_guard lock(mutex_);
        auto it = running_.find(result.sha256);
        if (it == running_.end()) {
            it = running_.find(result.job.sha256);
        }
        if (it != running_.end()) {
            sample = std::move(it->second);
            running_.erase(it);
        } else {
            sample.sha256 = result.sha256;
            sample.path = result.job.path;
        }
    }
    if (!result.report) {
        std::fprintf(stderr, "sandbox: %s: %s\n", result.job.path.c_str(), result.error.c_str());
        std::lock_guard lock(mutex_);
        ++counters_.sandbox_failed;
        return;
    }
    SandboxReport& report = *result.report;
    const auto written = store_.writeReport(sample.sha256, "sandbox", dump(report.document));
    {
        std::lock_guard lock(mutex_);
        ++(written ? counters_.analysed : counters_.store_errors);
    }
    report.event.ts = nowMicros();
    report.event.sensor = options_.sensor;
    publish(std::move(report.event));
    storeDropped(sample, report.dropped);
}

void SamplePipeline::storeDropped(const PipelineSample& parent, const std::vector<KeptDrop>& dropped) {
    for (const KeptDrop& file : dropped) {
        if (file.kept_path.empty()) {
            continue;
        }
        auto bytes = malware::detail::readFileBounded(file.kept_path, store_.options().max_sample_bytes);
        std::error_code ec;
        fs::remove(file.kept_path, ec);
        if (!bytes || bytes->empty()) {
            continue;
        }
        malware::SampleSource source;
        source.kind = malware::SourceKind::SandboxDrop;
        source.path = file.path;
        source.parent = parent.sha256;
        source.sensor = options_.sensor;
        source.first_seen = nowMicros();
        auto stored = store_.put(*bytes, source);
        if (!stored) {
            std::lock_guard lock(mutex_);
            ++counters_.store_errors;
            continue;
        }
        if (!stored->is_new) {
            continue; // known content: its record gained this source
        }
        {
            std::lock_guard lock(mutex_);
            ++counters_.drops_stored;
        }
        PipelineSample child;
        child.sha256 = stored->sha256;
        child.path = stored->path;
        child.filename = malware::sourceFileName(source);
        child.workdir = malware::sourceDirectory(source);
        child.origin = "dropped by " + parent.sha256;
        child.depth = parent.depth + 1;
        submit(std::move(child));
    }
}

void SamplePipeline::resume() {
    if (resumer_.joinable()) {
        return;
    }
    resumer_ = std::thread([this] { resumeLoop(); });
}

void SamplePipeline::resumeLoop() {
    auto listed = store_.list();
    if (!listed) {
        std::fprintf(stderr, "samples: cannot resume: %s\n", listed.error().message.c_str());
        return;
    }
    // Pace to the queues: half full is enough to keep the workers busy.
    const auto waitForRoom = [this](auto queued, size_t capacity) {
        while (!stopping_.load() && queued() >= std::max<size_t>(1, capacity / 2)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return !stopping_.load();
    };
    for (const std::string& sha256 : *listed) {
        if (stopping_.load()) {
            return;
        }
        const bool triaged = store_.hasReport(sha256, "triage");
        const bool analysed = !sandbox_ || store_.hasReport(sha256, "sandbox");
        if (triaged && analysed) {
            continue;
        }
        auto record = store_.find(sha256);
        if (!record || !*record) {
            continue;
        }
        PipelineSample sample = fromRecord(**record, store_.samplePath(sha256));
        for (const auto& source : (*record)->sources) {
            if (source.kind == malware::SourceKind::SandboxDrop) {
                sample.depth = 1; // at least; its parent's depth is not recorded
            }
        }
        {
            std::lock_guard lock(mutex_);
            ++counters_.resumed;
        }
        if (!triaged) {
            if (!waitForRoom([this] { return triage_->counters().queued; }, options_.triage.capacity)) {
                return;
            }
            submit(std::move(sample)); // triage, then the sandbox
        } else {
            if (!waitForRoom([this] { return sandbox_->counters().queued; }, sandbox_->capacity())) {
                return;
            }
            toSandbox(sample);
        }
    }
}

bool SamplePipeline::idle() const {
    const auto t = triage_->counters();
    if (t.queued != 0 || t.in_flight != 0) {
        return false;
    }
    if (sandbox_) {
        const auto s = sandbox_->counters();
        if (s.queued != 0 || s.in_flight != 0) {
            return false;
        }
    }
    std::lock_guard lock(mutex_);
    return triaging_.empty() && running_.empty();
}

bool SamplePipeline::waitIdle(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!idle()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

SamplePipelineCounters SamplePipeline::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

} // namespace kansoku::sandbox

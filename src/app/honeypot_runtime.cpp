#include "app/honeypot_runtime.h"

#include <chrono>
#include <filesystem>

#include <fmt/format.h>
#include <unistd.h>

#include "app/sample_analysis.h"
#include "common/event_sink.h"
#include "honeypot/collect/honeypot_collector.h"
#include "honeypot/collect/http_request_reporter.h"
#include "honeypot/http/http_protocol.h"
#include "honeypot/reflector/reflector_server.h"
#include "honeypot/server/session_server.h"
#include "honeypot/session/cowrie_log.h"
#include "honeypot/shell/persona.h"
#include "honeypot/ssh/ssh_service.h"
#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/telnet_service.h"
#include "malware/download/downloader.h"
#include "malware/sample_store.h"
#include "rules/rule_files.h"
#include "sandbox/analysis/sample_pipeline.h"

namespace kansoku::app {

namespace asio = boost::asio;
namespace hp = honeypot;
namespace dl = malware::download;

struct HoneypotRuntime::Impl {
    asio::io_context io;
    EventSink* sink = nullptr; ///< thread-safe (the bus's publisher): the pipeline's workers publish too
    std::unique_ptr<hp::CowrieLogSink> cowrie;
    std::shared_ptr<const hp::shell::Persona> persona;
    std::shared_ptr<const hp::telnet::CredentialPolicy> policy;
    std::unique_ptr<malware::SampleStore> store;
    std::unique_ptr<dl::Downloader> downloader;
    std::unique_ptr<hp::HoneypotCollector> collector;
    std::unique_ptr<hp::telnet::TelnetService> telnet;
    std::unique_ptr<hp::ssh::SshService> ssh;
    std::unique_ptr<hp::http::HttpPersona> http_persona;
    std::unique_ptr<hp::http::HttpRuleSet> http_rules;
    std::unique_ptr<hp::HttpRequestReporter> http_reporter;
    std::unique_ptr<hp::http::HttpService> http;
    struct Listener {
        std::string label; ///< "telnet 127.0.0.1:2323"
        std::unique_ptr<hp::server::SessionServer> server;
    };
    std::vector<Listener> servers;
    std::unique_ptr<hp::reflector::ReflectorServer> reflector;
    std::vector<std::string> listening;
    std::vector<std::string> notices;
    std::string sensor;
    // The sample pipeline's workers (triage, sandbox) publish from their own threads. Declared last
    // so it is destroyed (its workers joined) before what they use.
    std::unique_ptr<sandbox::SamplePipeline> pipeline;
};

namespace {

Result<std::shared_ptr<const hp::shell::Persona>> loadPersona(const hp::HoneypotConfig& config) {
    const std::string& name = config.persona;
    if (name.find('/') != std::string::npos || name.ends_with(".toml")) {
        auto persona = hp::shell::Persona::load(name);
        KANSOKU_TRY(persona);
        return std::make_shared<const hp::shell::Persona>(std::move(*persona));
    }
    auto file = rules::loadRuleFile(config.rules_dir, "personas/" + name + ".toml");
    if (!file) {
        return fail("honeypot.persona = \"{}\": {}", name, file.error().message);
    }
    auto persona = hp::shell::Persona::parse(file->text, file->origin);
    KANSOKU_TRY(persona);
    return std::make_shared<const hp::shell::Persona>(std::move(*persona));
}

Result<std::shared_ptr<const hp::telnet::CredentialPolicy>> makePolicy(const hp::CredentialsConfig& config) {
    if (config.policy == "accept_all") {
        return std::make_shared<const hp::telnet::AcceptAllPolicy>();
    }
    if (config.policy == "listed") {
        auto credentials = hp::telnet::loadCredentials(config.file);
        KANSOKU_TRY(credentials);
        return std::make_shared<const hp::telnet::AcceptListedPolicy>(*credentials);
    }
    return std::make_shared<const hp::telnet::AcceptAfterTriesPolicy>(static_cast<uint32_t>(config.tries));
}

void makeDirectory(const std::string& path, std::filesystem::perms perms) {
    std::error_code ec;
    if (std::filesystem::create_directories(path, ec)) {
        std::filesystem::permissions(path, perms, ec);
    }
}

/// The HTTP persona and every exploit rule file (rules/http/*.toml), from the rules folder or the
/// compiled-in copy.
Result<void> loadHttpRules(HoneypotRuntime::Impl& impl, const hp::HoneypotConfig& config) {
    const std::string& name = config.http_persona;
    if (name.find('/') != std::string::npos || name.ends_with(".toml")) {
        auto persona = hp::http::HttpPersona::load(name);
        KANSOKU_TRY(persona);
        impl.http_persona = std::make_unique<hp::http::HttpPersona>(std::move(*persona));
    } else {
        auto file = rules::loadRuleFile(config.rules_dir, "http/personas/" + name + ".toml");
        if (!file) {
            return fail("honeypot.http.persona = \"{}\": {}", name, file.error().message);
        }
        auto persona = hp::http::HttpPersona::parse(file->text, file->origin);
        KANSOKU_TRY(persona);
        impl.http_persona = std::make_unique<hp::http::HttpPersona>(std::move(*persona));
    }
    auto files = rules::loadRuleFiles(config.rules_dir, "http");
    KANSOKU_TRY(files);
    impl.http_rules = std::make_unique<hp::http::HttpRuleSet>();
    for (const auto& file : *files) {
        auto parsed = hp::http::HttpRuleSet::parse(file.text, file.origin);
        KANSOKU_TRY(parsed);
        KANSOKU_TRY(impl.http_rules->merge(std::move(*parsed)));
    }
    return {};
}

/// Every new sample goes through static triage and (with the sandbox) the contained run, with the
/// attacker's context; samples already in the store that lack their documents are picked up too.
Result<void> startPipeline(HoneypotRuntime::Impl& impl, const Config& config) {
    auto pipeline = startSampleAnalysis(config, *impl.store, *impl.sink, impl.notices);
    KANSOKU_TRY(pipeline);
    impl.pipeline = std::move(*pipeline);
    impl.collector->setNewSampleHook([&impl](const hp::NewSample& sample) {
        sandbox::PipelineSample job;
        job.sha256 = sample.sha256;
        job.path = sample.path;
        job.filename = sample.filename;
        job.workdir = sample.workdir;
        job.argv = sample.argv;
        job.origin = "honeypot session " + sample.session;
        impl.pipeline->submit(std::move(job));
    });
    return {};
}

Result<void> startReflectors(HoneypotRuntime::Impl& impl, const Config& config) {
    const hp::ReflectorSettings& rc = config.honeypot.reflector;
    hp::reflector::ReflectorConfig reflector;
    const std::pair<hp::reflector::Service, uint16_t> ports[] = {
        {hp::reflector::Service::Dns, rc.dns_port},
        {hp::reflector::Service::Ntp, rc.ntp_port},
        {hp::reflector::Service::Ssdp, rc.ssdp_port},
        {hp::reflector::Service::Chargen, rc.chargen_port},
        {hp::reflector::Service::Memcached, rc.memcached_port}};
    for (const auto& [service, port] : ports) {
        hp::reflector::ServiceEndpoint endpoint;
        endpoint.service = service;
        endpoint.address = rc.address;
        endpoint.port = port;
        reflector.services.push_back(endpoint);
    }
    reflector.tracker.sensor = config.sensor_name;
    reflector.tracker.answers_per_window = static_cast<uint32_t>(rc.answers_per_source);
    reflector.tracker.attack_min_requests = static_cast<uint64_t>(rc.attack_min_requests);
    reflector.tracker.idle_timeout = rc.flow_idle_timeout.micros();
    impl.reflector = std::make_unique<hp::reflector::ReflectorServer>(impl.io, std::move(reflector), *impl.sink);
    auto started = impl.reflector->start();
    if (!started) {
        return fail("reflector honeypot: {}", started.error().message);
    }
    for (size_t i = 0; i < std::size(ports); ++i) {
        impl.listening.push_back(fmt::format("{} (udp) {}:{}", hp::reflector::serviceName(ports[i].first), rc.address,
                                             impl.reflector->localPort(i)));
    }
    return {};
}

} // namespace

Result<std::unique_ptr<HoneypotRuntime>> HoneypotRuntime::start(const Config& config, EventSink& sink) {
    const hp::HoneypotConfig& hc = config.honeypot;
    auto impl = std::make_unique<Impl>();
    impl->sensor = config.sensor_name;
    impl->sink = &sink;
    if (!hc.cowrie_jsonl.empty()) {
        const auto parent = std::filesystem::path(hc.cowrie_jsonl).parent_path();
        if (!parent.empty()) {
            makeDirectory(parent.string(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                               std::filesystem::perms::group_exec);
        }
        auto cowrie = hp::CowrieLogSink::open(hc.cowrie_jsonl);
        KANSOKU_TRY(cowrie);
        impl->cowrie = std::move(*cowrie);
    }

    if (!hc.casts_dir.empty()) {
        makeDirectory(hc.casts_dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                        std::filesystem::perms::group_exec);
    }
    auto persona = loadPersona(hc);
    KANSOKU_TRY(persona);
    impl->persona = *persona;
    auto policy = makePolicy(hc.credentials);
    KANSOKU_TRY(policy);
    impl->policy = *policy;

    // The store refuses directories others may enter; 0750 is what it creates itself.
    auto store = malware::SampleStore::open(hc.samples_dir);
    if (!store) {
        return fail("honeypot.samples_dir: {}", store.error().message);
    }
    impl->store = std::make_unique<malware::SampleStore>(std::move(*store));
    if (hc.download.enabled) {
        impl->downloader = std::make_unique<dl::Downloader>(impl->io, hc.download.options);
    }
    impl->collector =
        std::make_unique<hp::HoneypotCollector>(*impl->sink, config.sensor_name, *impl->store, impl->downloader.get());

    auto listen = [&](const hp::ListenerConfig& listener, std::string service,
                      hp::server::ProtocolFactory factory) -> Result<void> {
        hp::server::ServerConfig server_config;
        server_config.service = service;
        server_config.sensor = config.sensor_name;
        server_config.address = listener.address;
        server_config.port = listener.port;
        server_config.limits = hc.limits;
        auto server = std::make_unique<hp::server::SessionServer>(impl->io, std::move(server_config),
                                                                  std::move(factory), *impl->sink);
        auto started = server->start();
        if (!started) {
            return fail("{} honeypot: {}", service, started.error().message);
        }
        std::string label = fmt::format("{} {}:{}", service, listener.address, server->localPort());
        impl->listening.push_back(label);
        impl->servers.push_back({std::move(label), std::move(server)});
        return {};
    };

    if (hc.telnet.enabled) {
        hp::telnet::TelnetServiceOptions telnet_options;
        telnet_options.failure_delay = hc.telnet_failure_delay.as<std::chrono::milliseconds>();
        telnet_options.prompt_delay = hc.telnet_prompt_delay.as<std::chrono::milliseconds>();
        telnet_options.download_wait = hc.download_wait.as<std::chrono::milliseconds>();
        telnet_options.cast = hp::CastOptions{hc.casts_dir, hc.cast_max_bytes};
        impl->telnet =
            std::make_unique<hp::telnet::TelnetService>(*impl->collector, impl->persona, impl->policy, telnet_options);
        KANSOKU_TRY(listen(hc.telnet, "telnet", impl->telnet->factory()));
    }
    if (hc.ssh.enabled) {
        hp::ssh::SshConfig ssh_config;
        ssh_config.host_key_dir = hc.host_keys_dir;
        ssh_config.banner = hc.ssh_version;
        ssh_config.download_wait = hc.download_wait.as<std::chrono::milliseconds>();
        ssh_config.failure_delay = hc.ssh_failure_delay.as<std::chrono::milliseconds>();
        ssh_config.cast = hp::CastOptions{hc.casts_dir, hc.cast_max_bytes};
        auto ssh = hp::ssh::SshService::create(ssh_config, *impl->policy, impl->persona, *impl->collector);
        if (!ssh) {
            return fail("ssh honeypot: {}", ssh.error().message);
        }
        impl->ssh = std::move(*ssh);
        KANSOKU_TRY(listen(hc.ssh, "ssh", impl->ssh->protocolFactory()));
    }
    if (hc.http.enabled) {
        KANSOKU_TRY(loadHttpRules(*impl, hc));
        impl->http_reporter = std::make_unique<hp::HttpRequestReporter>(*impl->collector);
        impl->http = std::make_unique<hp::http::HttpService>();
        impl->http->persona = impl->http_persona.get();
        impl->http->rules = impl->http_rules.get();
        impl->http->observer = impl->http_reporter.get();
        KANSOKU_TRY(listen(hc.http, "http", hp::http::makeHttpProtocolFactory(*impl->http)));
    }
    if (hc.reflector.enabled) {
        KANSOKU_TRY(startReflectors(*impl, config));
    }
    KANSOKU_TRY(startPipeline(*impl, config));
    return std::unique_ptr<HoneypotRuntime>(new HoneypotRuntime(std::move(impl)));
}

HoneypotRuntime::HoneypotRuntime(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HoneypotRuntime::~HoneypotRuntime() = default;

const std::vector<std::string>& HoneypotRuntime::listening() const {
    return impl_->listening;
}

const std::vector<std::string>& HoneypotRuntime::notices() const {
    return impl_->notices;
}

malware::SampleStore& HoneypotRuntime::sampleStore() {
    return *impl_->store;
}

EventSink* HoneypotRuntime::cowrieLog() {
    return impl_->cowrie.get();
}

void HoneypotRuntime::requestStop() {
    if (stop_requested_.exchange(true)) {
        return;
    }
    // Every session, listener and download is closed on the event loop's own thread; run() returns
    // when nothing is left on it.
    asio::post(impl_->io, [impl = impl_.get()] {
        for (auto& listener : impl->servers) {
            listener.server->stop();
        }
        if (impl->reflector) {
            impl->reflector->stop();
        }
        if (impl->downloader) {
            impl->downloader->stop();
        }
    });
}

void HoneypotRuntime::run() {
    Impl& impl = *impl_;
    impl.io.run();
    if (impl.pipeline) {
        const auto* runner = impl.pipeline->sandbox();
        const auto running = runner != nullptr ? runner->counters().in_flight : 0;
        if (running > 0) {
            std::fprintf(stderr, "sandbox: waiting for %llu running analyses (each ends at its timeout)\n",
                         static_cast<unsigned long long>(running));
        }
        impl.pipeline->stop();
    }
}

std::string HoneypotRuntime::summary() const {
    const Impl& impl = *impl_;
    std::string text;
    for (const auto& listener : impl.servers) {
        const auto& c = listener.server->counters();
        text += fmt::format("{}: {} sessions, refused {} (global) {} (per source), timeouts {} idle {} total, "
                            "input limit {}, output limit {}, protocol errors {}\n",
                            listener.label, c.accepted, c.refused_global, c.refused_per_source, c.idle_timeouts,
                            c.total_timeouts, c.input_limit, c.output_limit, c.protocol_errors);
    }
    if (impl.telnet) {
        const auto& t = impl.telnet->counters();
        text += fmt::format("telnet parser: {} lines cut, {} negotiation floods, {} oversize and {} malformed "
                            "subnegotiations, {} unknown commands\n",
                            t.line_overflows, t.negotiation_floods, t.subnegotiation_overflows,
                            t.malformed_subnegotiations, t.unknown_commands);
        const auto& k = impl.telnet->castCounters();
        text += fmt::format("telnet casts: {} recorded ({} bytes), {} cut at cast_max, {} not written (errors)\n",
                            k.casts, k.bytes, k.cut, k.write_errors);
        const auto& w = impl.telnet->shellCounters();
        text += fmt::format("telnet downloads: {} waited for, {} gave up at download_wait, {} typed-ahead lines "
                            "dropped\n",
                            w.download_waits, w.download_wait_timeouts, w.lines_dropped_waiting);
    }
    if (impl.ssh) {
        text += hp::ssh::uploadSummary(impl.ssh->counters());
        text += hp::ssh::downloadWaitSummary(impl.ssh->counters());
        const auto& k = impl.ssh->castCounters();
        text += fmt::format("ssh casts: {} recorded ({} bytes), {} cut at cast_max, {} not written (errors)\n", k.casts,
                            k.bytes, k.cut, k.write_errors);
    }
    if (impl.reflector) {
        const auto& r = impl.reflector->counters();
        text += fmt::format("reflectors: {} requests, {} replies, {} suppressed, {} malformed\n", r.datagrams,
                            r.replies, r.suppressed, r.malformed);
    }
    if (impl.pipeline) {
        const auto p = impl.pipeline->counters();
        text += fmt::format("samples pipeline: {} triaged ({} not: pool full), {} resumed from the store; ", p.triaged,
                            p.not_triaged, p.resumed);
        if (const auto* runner = impl.pipeline->sandbox(); runner != nullptr) {
            const auto w = runner->counters();
            text += fmt::format("sandbox: {} analysed, {} failed, {} not analysed (queue full or stopped), {} dropped "
                                "files stored ({} past the depth limit); sandbox workers: {} started, {} restarts, "
                                "worker_crashes {}, worker_hangs {}, worker_garbage {}, retries {}; ",
                                p.analysed, p.sandbox_failed, p.not_analysed, p.drops_stored, p.drops_not_run,
                                w.workers_started, w.restarts, w.worker_crashes, w.worker_hangs, w.worker_garbage,
                                w.retries);
        }
        text += fmt::format("{} write errors, {} events lost\n", p.store_errors, p.sink_errors);
    }
    const auto& cc = impl.collector->counters();
    text += fmt::format("samples: {} new, {} seen again, {} not stored; downloads: {} requested, {} failed\n",
                        cc.samples_stored, cc.samples_seen_again, cc.store_errors, cc.downloads_requested,
                        cc.downloads_failed);
    return text;
}

} // namespace kansoku::app

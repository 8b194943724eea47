// The measured process of bench/telnet: a telnet honeypot host with the production classes
// (SessionServer + TelnetService + ShellSession on the persona) and a counting no-op Collector, on
// one single-threaded io_context, so memory per session and login rate are those of the honeypot
// itself, not of a store or a downloader.
//
//   honeypot_sessions [--port N] [--address A] [--persona FILE] [--credential USER:PASS]... [--accept-all]
//
// Prints "ready PORT" on stdout once listening. SIGUSR1 prints a stats line (JSON: active sessions, heap in use,
// server counters, events by type, VmRSS/VmHWM in KiB); SIGTERM/SIGINT print the same line with
// "final": true and exit 0.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>

#include <boost/asio/signal_set.hpp> // after asio.h (which includes <utility> first)

#include "common/asio.h"
#include "honeypot/server/session_server.h"
#include "honeypot/session/collector.h"
#include "honeypot/shell/persona.h"
#include "honeypot/telnet/credential_policy.h"
#include "honeypot/telnet/telnet_service.h"

namespace {

namespace asio = boost::asio;
using namespace kansoku;
using namespace kansoku::honeypot;

/// Counts events by type and drops them; downloads and written files are counted, never fetched.
class CountingCollector final : public Collector, public EventSink {
public:
    void emit(Event event) override { ++by_type_[event.type]; }
    void publish(const Event& event) override { ++by_type_[event.type]; }
    void download(const SessionContext&, std::string_view, std::string_view, std::string_view) override {
        ++downloads_;
    }
    void fileWritten(const SessionContext&, std::string_view, std::string_view) override { ++files_written_; }
    /// With --download-wait-ms: sessions wait for fetches as with the production downloader (never
    /// answered here; the bench's sessions fetch nothing).
    bool canFetch() const override { return can_fetch_; }
    void setCanFetch(bool on) { can_fetch_ = on; }

    const std::map<std::string, uint64_t>& byType() const { return by_type_; }
    uint64_t downloads() const { return downloads_; }
    uint64_t filesWritten() const { return files_written_; }

private:
    std::map<std::string, uint64_t> by_type_;
    uint64_t downloads_ = 0;
    uint64_t files_written_ = 0;
    bool can_fetch_ = false;
};

/// "VmRSS" -> KiB from /proc/self/status (0 if absent).
uint64_t procStatusKib(std::string_view key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ':') {
            return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10);
        }
    }
    return 0;
}

void printStats(const server::SessionServer& server, const telnet::TelnetService& service,
                const CountingCollector& collector, bool final) {
    const server::ServerCounters& c = server.counters();
    std::string events;
    for (const auto& [type, count] : collector.byType()) {
        events += (events.empty() ? "" : ",") + ("\"" + type + "\":" + std::to_string(count));
    }
    const struct mallinfo2 heap = mallinfo2(); // glibc >= 2.33: bytes malloc has handed out and not freed
    std::printf("{\"final\":%s,\"active_sessions\":%zu,\"vm_rss_kib\":%llu,\"vm_hwm_kib\":%llu,\"heap_in_use\":%zu,"
                "\"accepted\":%llu,\"refused_global\":%llu,\"refused_per_source\":%llu,\"idle_timeouts\":%llu,"
                "\"total_timeouts\":%llu,\"input_limit\":%llu,\"output_limit\":%llu,\"closed_by_protocol\":%llu,"
                "\"closed_by_peer\":%llu,\"closed_by_stop\":%llu,\"io_errors\":%llu,\"bytes_in\":%llu,"
                "\"bytes_out\":%llu,\"downloads\":%llu,\"files_written\":%llu,\"attempt_memory_resets\":%llu,"
                "\"session_state_bytes\":%zu,\"events\":{%s}}\n",
                final ? "true" : "false", server.activeSessions(),
                static_cast<unsigned long long>(procStatusKib("VmRSS")),
                static_cast<unsigned long long>(procStatusKib("VmHWM")), heap.uordblks + heap.hblkhd,
                static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.refused_global),
                static_cast<unsigned long long>(c.refused_per_source), static_cast<unsigned long long>(c.idle_timeouts),
                static_cast<unsigned long long>(c.total_timeouts), static_cast<unsigned long long>(c.input_limit),
                static_cast<unsigned long long>(c.output_limit), static_cast<unsigned long long>(c.closed_by_protocol),
                static_cast<unsigned long long>(c.closed_by_peer), static_cast<unsigned long long>(c.closed_by_stop),
                static_cast<unsigned long long>(c.io_errors), static_cast<unsigned long long>(c.bytes_in),
                static_cast<unsigned long long>(c.bytes_out), static_cast<unsigned long long>(collector.downloads()),
                static_cast<unsigned long long>(collector.filesWritten()),
                static_cast<unsigned long long>(service.attempts().resets()),
                server::SessionServer::sessionStateBytes(), events.c_str());
    std::fflush(stdout);
}

[[noreturn]] void usage(int code) {
    std::fprintf(code == 0 ? stdout : stderr,
                 "Usage: honeypot_sessions [--port N] [--address A] [--persona FILE] [--credential USER:PASS]...\n"
                 "                         [--accept-all] [--failure-delay-ms N (3000)] [--casts-dir DIR]\n"
                 "                         [--download-wait-ms N (0: off)]\n"
                 "A telnet honeypot host for bench/telnet: prints \"ready PORT\", a stats line on SIGUSR1,\n"
                 "and a final stats line on SIGTERM/SIGINT. Default credential root:xc3511, persona\n"
                 "rules/personas/tplink-wr841n-mips.toml (relative to the working directory). --casts-dir records\n"
                 "every logged-in session as an asciinema cast there; --download-wait-ms makes sessions ready to\n"
                 "wait for their downloads (as in production), for measuring what each costs an idle session.\n");
    std::exit(code);
}

void raiseNofile() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char** argv) {
    std::string address = "127.0.0.1";
    long port = 0;
    std::string persona_path = "rules/personas/tplink-wr841n-mips.toml";
    std::vector<telnet::Credential> credentials;
    bool accept_all = false;
    long failure_delay_ms = 3000; // production: BusyBox login's pause before "Login incorrect"
    std::string casts_dir;
    long download_wait_ms = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "honeypot_sessions: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--port") {
            std::string v = value();
            char* end = nullptr;
            port = std::strtol(v.c_str(), &end, 10);
            if (*end != '\0' || port < 0 || port > 65535) {
                std::fprintf(stderr, "honeypot_sessions: bad port %s\n", v.c_str());
                return 2;
            }
        } else if (arg == "--address") {
            address = value();
        } else if (arg == "--persona") {
            persona_path = value();
        } else if (arg == "--credential") {
            auto parsed = telnet::parseCredentials(value(), "--credential");
            if (!parsed) {
                std::fprintf(stderr, "honeypot_sessions: %s\n", parsed.error().message.c_str());
                return 2;
            }
            credentials.insert(credentials.end(), parsed->begin(), parsed->end());
        } else if (arg == "--accept-all") {
            accept_all = true;
        } else if (arg == "--failure-delay-ms") {
            failure_delay_ms = std::strtol(value().c_str(), nullptr, 10);
        } else if (arg == "--casts-dir") {
            casts_dir = value();
        } else if (arg == "--download-wait-ms") {
            download_wait_ms = std::strtol(value().c_str(), nullptr, 10);
        } else if (arg == "-h" || arg == "--help") {
            usage(0);
        } else {
            std::fprintf(stderr, "honeypot_sessions: unknown argument %s\n", argv[i]);
            usage(2);
        }
    }
    if (credentials.empty()) {
        credentials.push_back({"root", "xc3511"});
    }
    raiseNofile();

    auto persona = shell::Persona::load(persona_path);
    if (!persona) {
        std::fprintf(stderr, "honeypot_sessions: %s\n", persona.error().message.c_str());
        return 1;
    }
    std::shared_ptr<const telnet::CredentialPolicy> policy;
    if (accept_all) {
        policy = std::make_shared<telnet::AcceptAllPolicy>();
    } else {
        policy = std::make_shared<telnet::AcceptListedPolicy>(credentials);
    }

    asio::io_context io(1);
    CountingCollector collector;
    telnet::TelnetServiceOptions options;
    options.failure_delay = std::chrono::milliseconds(failure_delay_ms);
    options.cast.dir = casts_dir;
    options.download_wait = std::chrono::milliseconds(download_wait_ms);
    collector.setCanFetch(download_wait_ms > 0);
    telnet::TelnetService service(collector, std::make_shared<const shell::Persona>(std::move(*persona)), policy,
                                  options);

    server::ServerConfig config;
    config.service = "telnet";
    config.sensor = "bench";
    config.address = address;
    config.port = static_cast<uint16_t>(port);
    config.limits.max_sessions = 20000;
    config.limits.max_sessions_per_source = 20000;
    config.limits.idle_timeout = std::chrono::hours(24);
    config.limits.total_timeout = std::chrono::hours(24);
    server::SessionServer server(io, config, service.factory(), collector);
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "honeypot_sessions: %s\n", started.error().message.c_str());
        return 1;
    }

    asio::signal_set stats_signal(io, SIGUSR1);
    std::function<void()> wait_stats = [&] {
        stats_signal.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) {
                return;
            }
            printStats(server, service, collector, false);
            wait_stats();
        });
    };
    wait_stats();
    asio::signal_set stop_signals(io, SIGTERM, SIGINT);
    stop_signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) {
            return;
        }
        printStats(server, service, collector, true);
        stats_signal.cancel();
        server.stop();
        io.stop(); // idle sessions' pending operations would otherwise keep run() going
    });

    std::printf("ready %u\n", static_cast<unsigned>(server.localPort()));
    std::fflush(stdout);
    io.run();
    return 0;
}

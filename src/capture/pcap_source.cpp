#include "capture/pcap_source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/address_fanout.h"

namespace kansoku::capture {
namespace {

struct DispatchContext {
    PacketHandler* handler;
    uint64_t* received;
};

/// Packet time, clamped to 1970..9999: pcapng timestamps are 64-bit, so a corrupt or hostile file
/// can carry any value, and Timestamp arithmetic downstream must not overflow.
Timestamp packetTime(const timeval& tv) {
    constexpr int64_t kMaxSeconds = 253402300799; // 9999-12-31T23:59:59Z
    const int64_t seconds = std::clamp<int64_t>(tv.tv_sec, 0, kMaxSeconds);
    const int64_t micros = std::clamp<int64_t>(tv.tv_usec, 0, kMicrosPerSecond - 1);
    return seconds * kMicrosPerSecond + micros;
}

void onPcapPacket(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    auto* ctx = reinterpret_cast<DispatchContext*>(user);
    const RawPacket packet{bytes, header->caplen, header->len, packetTime(header->ts)};
    ++*ctx->received;
    ctx->handler->onPacket(packet);
}

} // namespace

void PcapSource::PcapCloser::operator()(pcap* p) const {
    pcap_close(p);
}

PcapSource::PcapSource(pcap* handle, std::string name, bool live)
    : handle_(handle), name_(std::move(name)), live_(live) {}

PcapSource::~PcapSource() = default;

Result<void> PcapSource::setLinkType() {
    const int dlt = pcap_datalink(handle_.get());
    const auto type = linkTypeFromDlt(dlt);
    if (!type) {
        const char* dlt_name = pcap_datalink_val_to_name(dlt);
        return fail("{}: link type {} ({}) is not supported (supported: Ethernet, 802.1Q, Linux SLL/SLL2, raw IP, "
                    "BSD loopback)",
                    name_, dlt_name != nullptr ? dlt_name : "unknown", dlt);
    }
    link_type_ = *type;
    return {};
}

Result<void> PcapSource::setFilter(const std::string& bpf) {
    if (bpf.empty()) {
        return {};
    }
    bpf_program program{};
    if (pcap_compile(handle_.get(), &program, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        return fail("{}: BPF filter '{}': {}", name_, bpf, pcap_geterr(handle_.get()));
    }
    const int rc = pcap_setfilter(handle_.get(), &program);
    pcap_freecode(&program);
    if (rc != 0) {
        return fail("{}: BPF filter '{}': {}", name_, bpf, pcap_geterr(handle_.get()));
    }
    return {};
}

Result<std::unique_ptr<PcapSource>> PcapSource::openFile(const std::string& path, const std::string& bpf) {
    const std::string name = "capture " + path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return fail("{}: {}", name, std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return fail("{}: is a directory", name);
    }
    if (st.st_size == 0) {
        return fail("{}: empty file (not a pcap or pcapng capture)", name);
    }
    char error[PCAP_ERRBUF_SIZE] = {};
    pcap* handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, error);
    if (handle == nullptr) {
        return fail("{}: {}", name, error);
    }
    std::unique_ptr<PcapSource> source(new PcapSource(handle, name, false));
    source->bytes_total_ = static_cast<uint64_t>(st.st_size);
    KANSOKU_TRY(source->setLinkType());
    KANSOKU_TRY(source->setFilter(bpf));
    return source;
}

Result<std::unique_ptr<PcapSource>> PcapSource::openLive(const LiveOptions& options) {
    const std::string name = "interface " + options.interface;
    char error[PCAP_ERRBUF_SIZE] = {};
    pcap* handle = pcap_create(options.interface.c_str(), error);
    if (handle == nullptr) {
        return fail("{}: {}", name, error);
    }
    std::unique_ptr<PcapSource> source(new PcapSource(handle, name, true));
    pcap_set_snaplen(handle, options.snaplen);
    pcap_set_promisc(handle, options.promiscuous ? 1 : 0);
    pcap_set_timeout(handle, options.read_timeout_ms);
    pcap_set_buffer_size(handle, options.buffer_mb * 1024 * 1024);
    pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_MICRO);
    const int rc = pcap_activate(handle);
    if (rc < 0) {
        switch (rc) {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return fail("{}: no such interface", name);
        case PCAP_ERROR_PERM_DENIED:
            return fail("{}: permission denied (run as root or grant CAP_NET_RAW)", name);
        case PCAP_ERROR_IFACE_NOT_UP:
            return fail("{}: interface is down", name);
        default:
            return fail("{}: {}", name, pcap_geterr(handle));
        }
    }
    KANSOKU_TRY(source->setLinkType());
    KANSOKU_TRY(source->setFilter(options.bpf));
    if (options.fanout_group != 0) {
        if (auto joined = joinAddressFanout(pcap_fileno(handle), options.fanout_group); !joined) {
            return fail("{}: {}", name, joined.error().message);
        }
    }
    // TPACKET_V3 never retires an empty block, so a blocking pcap_dispatch() would wait forever on a
    // quiet interface (no --duration end, no capture.stats). Read non-blocking; dispatch() waits in poll().
    if (pcap_setnonblock(handle, 1, error) != 0) {
        return fail("{}: {}", name, error);
    }
    source->poll_timeout_ms_ = options.read_timeout_ms;
    return source;
}

Result<std::vector<std::unique_ptr<PacketSource>>> PcapSource::openLiveFanout(const LiveOptions& options,
                                                                              size_t members) {
    LiveOptions member = options;
    // Group ids are per network namespace: one per process is enough (one capture per process).
    member.fanout_group = static_cast<uint16_t>(getpid() % 0xfffe + 1);
    member.buffer_mb = std::max(1, options.buffer_mb / static_cast<int>(std::max<size_t>(members, 1)));
    std::vector<std::unique_ptr<PacketSource>> sources;
    for (size_t i = 0; i < members; ++i) {
        auto source = openLive(member);
        if (!source) {
            return fail(std::move(source.error()));
        }
        sources.push_back(std::move(*source));
    }
    return sources;
}

Result<DispatchStatus> PcapSource::dispatch(PacketHandler& handler, int max_packets) {
    if (stop_requested_.load(std::memory_order_relaxed)) {
        return DispatchStatus::Stopped;
    }
    DispatchContext ctx{&handler, &received_};
    const int n = pcap_dispatch(handle_.get(), max_packets, onPcapPacket, reinterpret_cast<u_char*>(&ctx));
    handler.onBatchEnd();
    if (n > 0) {
        return DispatchStatus::Packets;
    }
    if (n == PCAP_ERROR_BREAK) {
        return DispatchStatus::Stopped;
    }
    if (n < 0) {
        return fail("{}: {}", name_, pcap_geterr(handle_.get()));
    }
    if (!live_) {
        return DispatchStatus::End;
    }
    // Nothing ready: wait for a retired block or the timeout (a signal such as SIGINT ends it early).
    pollfd ready{pcap_get_selectable_fd(handle_.get()), POLLIN, 0};
    if (ready.fd >= 0) {
        poll(&ready, 1, poll_timeout_ms_);
    }
    return DispatchStatus::Idle;
}

SourceStats PcapSource::stats() {
    SourceStats s;
    s.received = received_;
    if (live_) {
        pcap_stat ps{};
        if (pcap_stats(handle_.get(), &ps) == 0) {
            s.dropped_kernel = ps.ps_drop;
            s.dropped_interface = ps.ps_ifdrop;
        }
    }
    return s;
}

void PcapSource::stop() {
    stop_requested_.store(true, std::memory_order_relaxed);
    pcap_breakloop(handle_.get());
}

uint64_t PcapSource::bytesRead() const {
    if (live_) {
        return 0;
    }
    std::FILE* file = pcap_file(handle_.get());
    if (file == nullptr) {
        return 0;
    }
    const long pos = std::ftell(file);
    return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

} // namespace kansoku::capture

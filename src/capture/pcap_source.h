#pragma once

/// libpcap-backed sources: offline files (pcap and pcapng) and live interfaces (TPACKET_V3 on
/// Linux through libpcap). pcap.h stays out of this header.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.h"

struct pcap;

namespace kansoku::capture {

struct LiveOptions {
    std::string interface;
    int snaplen = 256;
    int buffer_mb = 64;
    std::string bpf; ///< tcpdump filter syntax, empty for none
    bool promiscuous = true;
    int read_timeout_ms = 100;
    /// Non-zero: join this PACKET_FANOUT group, which splits the interface's packets between its
    /// sockets by address (address_fanout.h); each member is one PcapSource with its own ring.
    uint16_t fanout_group = 0;
};

class PcapSource final : public PacketSource {
public:
    ~PcapSource() override;
    PcapSource(const PcapSource&) = delete;
    PcapSource& operator=(const PcapSource&) = delete;

    /// Opens a pcap or pcapng file. Errors: missing, unreadable, empty, not a capture, or a link
    /// type we do not decode.
    static Result<std::unique_ptr<PcapSource>> openFile(const std::string& path, const std::string& bpf = "");
    /// Opens a live interface. Errors: no such interface, no permission, bad filter.
    static Result<std::unique_ptr<PcapSource>> openLive(const LiveOptions& options);
    /// Opens `members` sockets on a live interface in one new PACKET_FANOUT group split by address
    /// (address_fanout.h), each with its own ring of buffer_mb / members MiB.
    static Result<std::vector<std::unique_ptr<PacketSource>>> openLiveFanout(const LiveOptions& options,
                                                                             size_t members);

    LinkType linkType() const override { return link_type_; }
    Result<DispatchStatus> dispatch(PacketHandler& handler, int max_packets) override;
    SourceStats stats() override;
    void stop() override;
    uint64_t bytesRead() const override;
    uint64_t bytesTotal() const override { return bytes_total_; }
    const std::string& name() const override { return name_; }

private:
    struct PcapCloser {
        void operator()(pcap* p) const;
    };
    PcapSource(pcap* handle, std::string name, bool live);
    Result<void> setLinkType();
    Result<void> setFilter(const std::string& bpf);

    std::unique_ptr<pcap, PcapCloser> handle_;
    std::string name_;
    bool live_;
    LinkType link_type_ = LinkType::Ethernet;
    uint64_t received_ = 0;
    uint64_t bytes_total_ = 0;
    int poll_timeout_ms_ = 0; ///< live: how long dispatch() waits for packets before it returns Idle
    std::atomic<bool> stop_requested_{false};
};

} // namespace kansoku::capture

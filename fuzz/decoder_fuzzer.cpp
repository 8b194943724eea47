// Fuzzes the packet path: link, network and transport decoders (and the ICMP quote), the darknet
// classifier, and the trackers behind DarknetAnalyzer.
//
// Input: byte 0 picks the link type (its low 3 bits, all 8 LinkType values) and the analyzer's
// darknet (bit 3); the rest is one captured frame. The frame is decoded, checked against the
// decoder's invariants, and classified against two darknets: one covering everything (0.0.0.0/0,
// ::/0: every decoded packet reaches the trackers) and documentation-range prefixes
// (203.0.113.0/24, 2001:db8:dead::/48: only there can an ICMP error quote a victim outside the
// darknet). Then it is fed twice, a minute apart, through a DarknetAnalyzer on the darknet bit 3
// picks, whose memory budgets are one byte, so eviction, idle expiry, per-minute port rows, attack
// events and capture.stats all run. (One analyzer per input, not two: building events dominates
// the cost of an execution.)

#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/decoded_packet.h"
#include "capture/packet_decoder.h"
#include "capture/packet_source.h"
#include "common/event_sink.h"
#include "common/prefix.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/packet_classifier.h"
#include "fuzz_check.h"

namespace {

using kansoku::IpAddress;
using kansoku::PrefixSet;
using kansoku::Timestamp;
using kansoku::capture::DecodeAnomaly;
using kansoku::capture::DecodedPacket;
using kansoku::capture::LinkType;
using kansoku::darknet::AttackVector;
using kansoku::darknet::Classification;
using kansoku::darknet::PacketClass;
namespace ip_proto = kansoku::capture::ip_proto;

PrefixSet makeDarknet(std::initializer_list<const char*> texts) {
    PrefixSet set;
    for (const char* text : texts) {
        set.add(*kansoku::Prefix::parse(text));
    }
    return set;
}

const PrefixSet& everything() {
    static const PrefixSet set = makeDarknet({"0.0.0.0/0", "::/0"});
    return set;
}

const PrefixSet& documentation() {
    static const PrefixSet set = makeDarknet({"203.0.113.0/24", "2001:db8:dead::/48"});
    return set;
}

/// A source that only names its link type: DarknetAnalyzer::beginSource takes the decoder from it.
class FrameSource final : public kansoku::capture::PacketSource {
public:
    explicit FrameSource(LinkType link_type) : link_type_(link_type) {}
    LinkType linkType() const override { return link_type_; }
    kansoku::Result<kansoku::capture::DispatchStatus> dispatch(kansoku::capture::PacketHandler&, int) override {
        return kansoku::capture::DispatchStatus::End;
    }
    kansoku::capture::SourceStats stats() override { return {}; }
    void stop() override {}
    const std::string& name() const override { return name_; }

private:
    LinkType link_type_;
    std::string name_ = "fuzz input";
};

bool isIcmpError(const DecodedPacket& p) {
    if (p.protocol == ip_proto::kIcmp && p.ip_version == 4) {
        return p.icmp_type == 3 || p.icmp_type == 4 || p.icmp_type == 5 || p.icmp_type == 11 || p.icmp_type == 12;
    }
    if (p.protocol == ip_proto::kIcmpv6 && p.ip_version == 6) {
        return p.icmp_type >= 1 && p.icmp_type <= 4;
    }
    return false;
}

void checkDecoded(DecodeAnomaly anomaly, const DecodedPacket& p, uint32_t captured_length) {
    FUZZ_CHECK(anomaly < DecodeAnomaly::Count_);
    FUZZ_CHECK(anomaly != DecodeAnomaly::UnknownLinkType); // every LinkType has a decoder
    FUZZ_CHECK(p.ip_version == 0 || p.ip_version == 4 || p.ip_version == 6);
    // A clean decode, a fragment and an unusable quote all come with valid addresses.
    if (anomaly == DecodeAnomaly::None || anomaly == DecodeAnomaly::Fragment ||
        anomaly == DecodeAnomaly::BadIcmpQuote) {
        FUZZ_CHECK(p.hasIp());
    }
    if (p.hasIp()) {
        FUZZ_CHECK(captured_length >= (p.ip_version == 4 ? 20U : 40U));
        if (p.ip_version == 4) {
            FUZZ_CHECK(p.src.isV4() && p.dst.isV4());
        }
    }
    // Transport fields only on top of an IP header and never for a non-first fragment.
    if (p.transport_valid) {
        FUZZ_CHECK(p.hasIp());
        FUZZ_CHECK(!p.fragment);
        FUZZ_CHECK(anomaly == DecodeAnomaly::None || anomaly == DecodeAnomaly::BadIcmpQuote);
        FUZZ_CHECK(p.protocol == ip_proto::kTcp || p.protocol == ip_proto::kUdp || p.protocol == ip_proto::kIcmp ||
                   p.protocol == ip_proto::kIcmpv6);
    } else {
        FUZZ_CHECK(p.src_port == 0 && p.dst_port == 0 && p.tcp_flags == 0 && p.icmp_type == 0 && p.icmp_code == 0);
    }
    if (p.fragment) {
        // Usually Fragment; a fragment header that is also one extension too many reports that.
        FUZZ_CHECK(anomaly == DecodeAnomaly::Fragment || anomaly == DecodeAnomaly::TooManyIpv6Extensions);
    }
    if (anomaly == DecodeAnomaly::None && p.hasIp() && (p.protocol == ip_proto::kTcp || p.protocol == ip_proto::kUdp)) {
        FUZZ_CHECK(p.transport_valid);
    }
    if (p.isTcp()) {
        FUZZ_CHECK(p.tcp_options_length <= 40 && p.tcp_options_length % 4 == 0);
        FUZZ_CHECK(p.tcp_option_count <= p.tcp_options_length);
        FUZZ_CHECK(captured_length >= 20U + p.tcp_options_length);
    } else {
        FUZZ_CHECK(p.tcp_options_length == 0 && p.tcp_option_count == 0 && p.mss == 0 && p.seq == 0 && p.ack == 0);
    }
    // The quote exists only on an ICMP error that was read in full, and is blank otherwise.
    if (p.has_quote) {
        FUZZ_CHECK(p.isIcmp());
        FUZZ_CHECK(isIcmpError(p));
        FUZZ_CHECK(anomaly == DecodeAnomaly::None);
        // The quote's family follows the outer packet's (ICMP quotes IPv4, ICMPv6 quotes IPv6).
        if (p.ip_version == 4) {
            FUZZ_CHECK(p.quote.src.isV4() && p.quote.dst.isV4());
        }
    } else {
        FUZZ_CHECK(p.quote.src == IpAddress{} && p.quote.dst == IpAddress{});
        FUZZ_CHECK(p.quote.protocol == 0 && !p.quote.has_ports && p.quote.src_port == 0 && p.quote.dst_port == 0);
    }
    if (anomaly == DecodeAnomaly::BadIcmpQuote) {
        FUZZ_CHECK(p.isIcmp() && isIcmpError(p) && !p.has_quote);
    }
    if (p.quote.has_ports && p.quote.protocol != ip_proto::kTcp && p.quote.protocol != ip_proto::kUdp &&
        p.quote.protocol != 132) {
        FUZZ_CHECK(p.quote.src_port <= 0xff && p.quote.dst_port <= 0xff); // quoted ICMP type and code
    }
}

void checkClassification(const Classification& c, const DecodedPacket& p, const PrefixSet& darknet) {
    FUZZ_CHECK(c.packet_class < PacketClass::Count_);
    FUZZ_CHECK(c.packet_class != PacketClass::NotIp); // only the analyzer decides that, from the anomaly
    FUZZ_CHECK(c.vector < AttackVector::Count_);
    if (!p.hasIp()) {
        FUZZ_CHECK(c.packet_class == PacketClass::Undecodable);
        return;
    }
    FUZZ_CHECK(c.packet_class != PacketClass::Undecodable);
    FUZZ_CHECK((c.packet_class == PacketClass::NotDarknet) == !darknet.contains(p.dst));
    switch (c.packet_class) {
    case PacketClass::TcpSynProbe:
        FUZZ_CHECK(p.isTcp());
        break;
    case PacketClass::UdpProbe:
        FUZZ_CHECK(p.isUdp());
        break;
    case PacketClass::IcmpEcho:
        FUZZ_CHECK(p.isIcmp());
        break;
    case PacketClass::Backscatter:
        FUZZ_CHECK(p.isTcp() || p.isIcmp());
        if (p.isIcmp() && p.has_quote) {
            // The victim is whom the quoted packet was sent to, from this darknet address.
            FUZZ_CHECK(c.victim == p.quote.dst && p.quote.src == p.dst && !darknet.contains(c.victim));
        } else {
            FUZZ_CHECK(c.victim == p.src);
        }
        if (c.victim_port_known) {
            FUZZ_CHECK(p.isTcp() || p.quote.has_ports);
        }
        break;
    default:
        FUZZ_CHECK(!c.victim_port_known && c.victim == IpAddress{});
        break;
    }
}

kansoku::darknet::DarknetAnalyzerOptions tinyAnalyzerOptions(const PrefixSet& darknet) {
    kansoku::darknet::DarknetAnalyzerOptions o;
    o.sensor = "fuzz";
    o.darknet = darknet;
    o.stats_interval = 30 * kansoku::kMicrosPerSecond;
    o.scan.idle_timeout = 10 * kansoku::kMicrosPerSecond;
    o.scan.max_bytes = 1; // every new record overflows: eviction runs on each insert
    o.backscatter.min_packets = 1;
    o.backscatter.min_duration = 0;
    o.backscatter.min_ppm = 1;
    o.backscatter.idle_timeout = 10 * kansoku::kMicrosPerSecond;
    o.backscatter.darknet_v4_size = darknet.v4Size();
    o.backscatter.max_bytes = 1;
    o.port_stats.max_bytes = 1;
    return o;
}

void runAnalyzer(const PrefixSet& darknet, LinkType link_type, const uint8_t* frame, uint32_t length) {
    kansoku::CollectingSink sink;
    kansoku::darknet::DarknetAnalyzer analyzer(tinyAnalyzerOptions(darknet), sink);
    FrameSource source(link_type);
    analyzer.beginSource(source);
    const Timestamp start = 1735689600LL * kansoku::kMicrosPerSecond;
    for (const Timestamp ts : {start, start + 61 * kansoku::kMicrosPerSecond}) {
        analyzer.onPacket(kansoku::capture::RawPacket{frame, length, length, ts});
    }
    analyzer.tick(start + 3600 * kansoku::kMicrosPerSecond);
    analyzer.finish();
    const auto& totals = analyzer.totals();
    FUZZ_CHECK(totals.packets == 2);
    uint64_t classified = 0;
    for (const uint64_t n : totals.by_class) {
        classified += n;
    }
    FUZZ_CHECK(classified == totals.packets);
    uint64_t decoded = 0;
    for (const uint64_t n : totals.decode.by_reason) {
        decoded += n;
    }
    FUZZ_CHECK(decoded == totals.packets);
    for (const auto& event : sink.events) {
        FUZZ_CHECK(!event.type.empty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1 || size > 65536 + 1) {
        return -1; // no link type byte, or larger than any snaplen
    }
    const auto link_type = static_cast<LinkType>(data[0] & 0x07U);
    const uint8_t* frame = data + 1;
    const auto length = static_cast<uint32_t>(size - 1);

    kansoku::capture::PacketDecoder decoder(link_type);
    DecodedPacket packet;
    const DecodeAnomaly anomaly = decoder.decode(frame, length, packet);
    checkDecoded(anomaly, packet, length);
    FUZZ_CHECK(decoder.counters().get(anomaly) == 1);

    // Decoding is a pure function of the bytes: a second pass (into a dirty packet) agrees.
    DecodedPacket again = packet;
    again.src_port ^= 0xffff;
    FUZZ_CHECK(decoder.decode(frame, length, again) == anomaly);
    FUZZ_CHECK(again.src == packet.src && again.dst == packet.dst && again.src_port == packet.src_port &&
               again.has_quote == packet.has_quote && again.transport_valid == packet.transport_valid);

    for (const PrefixSet* darknet : {&everything(), &documentation()}) {
        const kansoku::darknet::PacketClassifier classifier(*darknet);
        const Classification c = classifier.classify(packet);
        checkClassification(c, packet, *darknet);
        if (darknet == &everything() && packet.hasIp()) {
            FUZZ_CHECK(c.packet_class != PacketClass::NotDarknet);
        }
    }
    runAnalyzer((data[0] & 0x08U) != 0 ? documentation() : everything(), link_type, frame, length);
    return 0;
}

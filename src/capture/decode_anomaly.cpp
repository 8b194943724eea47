#include "capture/decode_anomaly.h"

namespace kansoku::capture {

std::string_view anomalyName(DecodeAnomaly anomaly) {
    switch (anomaly) {
    case DecodeAnomaly::None:
        return "none";
    case DecodeAnomaly::NotIp:
        return "not_ip";
    case DecodeAnomaly::TruncatedLink:
        return "truncated_link";
    case DecodeAnomaly::TooManyVlanTags:
        return "too_many_vlan_tags";
    case DecodeAnomaly::TruncatedIpv4:
        return "truncated_ipv4";
    case DecodeAnomaly::BadIpVersion:
        return "bad_ip_version";
    case DecodeAnomaly::BadIpv4HeaderLength:
        return "bad_ipv4_header_length";
    case DecodeAnomaly::BadIpv4TotalLength:
        return "bad_ipv4_total_length";
    case DecodeAnomaly::TruncatedIpv6:
        return "truncated_ipv6";
    case DecodeAnomaly::TruncatedIpv6Extension:
        return "truncated_ipv6_extension";
    case DecodeAnomaly::TooManyIpv6Extensions:
        return "too_many_ipv6_extensions";
    case DecodeAnomaly::Fragment:
        return "fragment";
    case DecodeAnomaly::TruncatedTcp:
        return "truncated_tcp";
    case DecodeAnomaly::BadTcpDataOffset:
        return "bad_tcp_data_offset";
    case DecodeAnomaly::TruncatedUdp:
        return "truncated_udp";
    case DecodeAnomaly::TruncatedIcmp:
        return "truncated_icmp";
    case DecodeAnomaly::BadIcmpQuote:
        return "bad_icmp_quote";
    case DecodeAnomaly::UnknownLinkType:
        return "unknown_link_type";
    case DecodeAnomaly::Count_:
        break;
    }
    return "invalid";
}

uint64_t DecodeCounters::errors() const {
    uint64_t total = 0;
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        const auto a = static_cast<DecodeAnomaly>(i);
        if (a != DecodeAnomaly::None && a != DecodeAnomaly::NotIp && a != DecodeAnomaly::BadIcmpQuote) {
            total += by_reason[i];
        }
    }
    return total;
}

} // namespace kansoku::capture

#include "cli/summary.h"

#include <cstdio>

namespace kansoku::cli {

using darknet::PacketClass;

void printDarknetSummary(const darknet::DarknetTotals& t, double seconds) {
    auto cls = [&](PacketClass c) { return t.by_class[static_cast<size_t>(c)]; };
    const uint64_t darknet = cls(PacketClass::TcpSynProbe) + cls(PacketClass::Backscatter) +
                             cls(PacketClass::UdpProbe) + cls(PacketClass::IcmpEcho) + cls(PacketClass::Other);
    std::fprintf(stderr,
                 "packets %llu (%.1f MB) in %.2f s: darknet %llu (tcp syn %llu, backscatter %llu, udp %llu, icmp echo "
                 "%llu, other %llu), not darknet %llu, not IP %llu, undecodable %llu\n",
                 static_cast<unsigned long long>(t.packets), static_cast<double>(t.bytes) / 1e6, seconds,
                 static_cast<unsigned long long>(darknet),
                 static_cast<unsigned long long>(cls(PacketClass::TcpSynProbe)),
                 static_cast<unsigned long long>(cls(PacketClass::Backscatter)),
                 static_cast<unsigned long long>(cls(PacketClass::UdpProbe)),
                 static_cast<unsigned long long>(cls(PacketClass::IcmpEcho)),
                 static_cast<unsigned long long>(cls(PacketClass::Other)),
                 static_cast<unsigned long long>(cls(PacketClass::NotDarknet)),
                 static_cast<unsigned long long>(cls(PacketClass::NotIp)),
                 static_cast<unsigned long long>(cls(PacketClass::Undecodable)));
    std::fprintf(stderr,
                 "events: %llu scans, %llu attacks, %llu port-minute rows; drops: %llu decode, %llu kernel; %llu "
                 "state records evicted\n",
                 static_cast<unsigned long long>(t.scans), static_cast<unsigned long long>(t.attacks),
                 static_cast<unsigned long long>(t.port_stats_rows), static_cast<unsigned long long>(t.decode.errors()),
                 static_cast<unsigned long long>(t.dropped_kernel), static_cast<unsigned long long>(t.evicted_state));
}

} // namespace kansoku::cli

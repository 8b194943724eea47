#pragma once

/// Spreads one interface's packets over several live capture sockets in the kernel: AF_PACKET
/// PACKET_FANOUT with a classic BPF program (PACKET_FANOUT_CBPF) that picks the socket from a hash
/// of the address a packet is about — its IP source, or for an IPv4 ICMP error the destination of
/// the packet it quotes (the host that was sent to, not the router that answered) — so every
/// packet about one address reaches the same socket, each socket with its own TPACKET_V3 ring.
/// A reader that falls behind fills only its own ring; the kernel counts its drops.

#include <cstdint>

#include "common/result.h"

namespace kansoku::capture {

/// Joins the AF_PACKET socket `fd` (bound to an interface) to fanout group `group`; every
/// socket of one group must join the same way.
Result<void> joinAddressFanout(int fd, uint16_t group);

} // namespace kansoku::capture

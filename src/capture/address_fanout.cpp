#include "capture/address_fanout.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

namespace kansoku::capture {
namespace {

// Offsets from the network header, which the kernel resolves whatever the link layer.
constexpr uint32_t kNet = static_cast<uint32_t>(SKF_NET_OFF);

constexpr sock_filter stmt(uint16_t code, uint32_t k) {
    return {code, 0, 0, k};
}
constexpr sock_filter jump(uint16_t code, uint32_t k, uint8_t if_true, uint8_t if_false) {
    return {code, if_true, if_false, k};
}

/// The member index (the kernel takes it modulo the group's size). A jump skips `if_true` or
/// `if_false` instructions; the labels say where it lands.
constexpr std::array<sock_filter, 32> kProgram = {{
    /* 0*/ stmt(BPF_LD | BPF_B | BPF_ABS, kNet + 0), // version and header length
    /* 1*/ stmt(BPF_ALU | BPF_RSH | BPF_K, 4),
    /* 2*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 13),     // IPv4, else 16
    /* 3*/ stmt(BPF_LD | BPF_B | BPF_ABS, kNet + 9),      // protocol
    /* 4*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 9),      // ICMP, else 14
    /* 5*/ stmt(BPF_LDX | BPF_B | BPF_MSH, kNet + 0),     // X = IPv4 header length
    /* 6*/ stmt(BPF_LD | BPF_B | BPF_IND, kNet + 0),      // ICMP type
    /* 7*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 3, 4, 0),      // unreachable: 12
    /* 8*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 11, 3, 0),     // time exceeded: 12
    /* 9*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 4, 2, 0),      // source quench: 12
    /*10*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0),      // redirect: 12
    /*11*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 12, 0, 2),     // parameter problem: 12, else 14
    /*12*/ stmt(BPF_LD | BPF_W | BPF_IND, kNet + 8 + 16), // the quoted packet's destination
    /*13*/ stmt(BPF_JMP | BPF_JA, 13),                    // 27
    /*14*/ stmt(BPF_LD | BPF_W | BPF_ABS, kNet + 12),     // IPv4 source
    /*15*/ stmt(BPF_JMP | BPF_JA, 11),                    // 27
    /*16*/ jump(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 10),     // IPv6, else 27 (not IP: hash the version)
    /*17*/ stmt(BPF_LD | BPF_W | BPF_ABS, kNet + 8),      // IPv6 source, its four words folded
    /*18*/ stmt(BPF_MISC | BPF_TAX, 0),
    /*19*/ stmt(BPF_LD | BPF_W | BPF_ABS, kNet + 12),
    /*20*/ stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
    /*21*/ stmt(BPF_MISC | BPF_TAX, 0),
    /*22*/ stmt(BPF_LD | BPF_W | BPF_ABS, kNet + 16),
    /*23*/ stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
    /*24*/ stmt(BPF_MISC | BPF_TAX, 0),
    /*25*/ stmt(BPF_LD | BPF_W | BPF_ABS, kNet + 20),
    /*26*/ stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
    /*27*/ stmt(BPF_ALU | BPF_MUL | BPF_K, 0x9e3779b1U), // mix, so that "modulo members" sees every bit
    /*28*/ stmt(BPF_MISC | BPF_TAX, 0),
    /*29*/ stmt(BPF_ALU | BPF_RSH | BPF_K, 16),
    /*30*/ stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
    /*31*/ stmt(BPF_RET | BPF_A, 0),
}};

} // namespace

Result<void> joinAddressFanout(int fd, uint16_t group) {
    const int fanout = group | (PACKET_FANOUT_CBPF << 16);
    if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &fanout, sizeof fanout) != 0) {
        return fail("PACKET_FANOUT group {}: {}", group, std::strerror(errno));
    }
    sock_fprog program{static_cast<unsigned short>(kProgram.size()), const_cast<sock_filter*>(kProgram.data())};
    if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &program, sizeof program) != 0) {
        return fail("PACKET_FANOUT_DATA (the address hash program): {}", std::strerror(errno));
    }
    return {};
}

} // namespace kansoku::capture

/*
 * syn_scanner.c - imitates the Mirai telnet scanner.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code and only targets TEST-NET-3.
 *
 * Imitated behaviour (Antonakakis et al., "Understanding the Mirai Botnet", USENIX Security 2017, section 3;
 * the published Mirai source, bot/scanner.c): a raw socket with IP_HDRINCL sends TCP SYN probes to pseudo-random
 * IPv4 addresses on port 23, and on port 2323 for one probe in ten; the TCP sequence number of each probe equals
 * the destination IPv4 address, which is the fingerprint darknets use to attribute Mirai scans.
 *
 * Here targets are random hosts of 203.0.113.0/24 only, at a fixed rate, for a fixed time.
 * Usage: syn_scanner [SECONDS]   env: KANSOKU_SAMPLE_SECONDS, KANSOKU_SAMPLE_RATE (probes/s, default 50),
 * KANSOKU_SAMPLE_SEED. Without CAP_NET_RAW it prints why and exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sample_common.h"

enum { kIpHeaderLen = 20, kTcpHeaderLen = 20, kProbeLen = kIpHeaderLen + kTcpHeaderLen };
static const uint32_t kTargetNet = 0xCB007100u; /* 203.0.113.0/24 */

static void put16(uint8_t* p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t* p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* RFC 1071 Internet checksum over big-endian 16-bit words, starting from a partial sum. */
static uint16_t checksum(const uint8_t* data, size_t len, uint32_t sum) {
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)data[i] << 8 | data[i + 1];
    if (len & 1u)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The address the kernel would use towards the target network, or 0 when there is no route. */
static uint32_t local_address(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(53);
    to.sin_addr.s_addr = htonl(kTargetNet | 1u);
    uint32_t result = 0;
    struct sockaddr_in self;
    socklen_t self_len = sizeof self;
    if (connect(fd, (struct sockaddr*)&to, sizeof to) == 0 && getsockname(fd, (struct sockaddr*)&self, &self_len) == 0)
        result = ntohl(self.sin_addr.s_addr);
    close(fd);
    return result;
}

static void build_probe(uint8_t* pkt, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
    memset(pkt, 0, kProbeLen);
    uint8_t* ip = pkt;
    ip[0] = 0x45; /* version 4, IHL 5 */
    put16(ip + 2, kProbeLen);
    put16(ip + 4, (uint16_t)sample_rand()); /* identification */
    ip[8] = 64;                             /* TTL */
    ip[9] = IPPROTO_TCP;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, checksum(ip, kIpHeaderLen, 0));

    uint8_t* tcp = pkt + kIpHeaderLen;
    put16(tcp + 0, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, dst);                      /* Mirai's rule: sequence number == destination address */
    tcp[12] = 5 << 4;                         /* data offset 5 words */
    tcp[13] = 0x02;                           /* SYN */
    put16(tcp + 14, (uint16_t)sample_rand()); /* window */
    uint32_t pseudo = (src >> 16) + (src & 0xFFFFu) + (dst >> 16) + (dst & 0xFFFFu) + IPPROTO_TCP + kTcpHeaderLen;
    put16(tcp + 16, checksum(tcp, kTcpHeaderLen, pseudo));
}

int main(int argc, char** argv) {
    sample_init("syn_scanner");
    sample_rng_seed();
    long seconds = sample_seconds(argc, argv, 3);
    long rate = sample_env_number("KANSOKU_SAMPLE_RATE", 50);
    if (rate <= 0)
        rate = 1;
    if (rate > 10000)
        rate = 10000;

    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    if (fd < 0) {
        sample_log("raw socket: failed (%s); no CAP_NET_RAW, not scanning", strerror(errno));
        return 0;
    }
    int one = 1;
    if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) != 0) {
        sample_log("IP_HDRINCL: failed (%s); not scanning", strerror(errno));
        close(fd);
        return 0;
    }
    sample_log("raw socket: opened with IP_HDRINCL");

    uint32_t src = local_address();
    char text[16];
    sample_log("scan: start target=203.0.113.0/24 ports=23,2323 rate=%ld/s seconds=%ld source=%s", rate, seconds,
               sample_ip_text(src, text, sizeof text));

    uint64_t start = sample_now_ms();
    uint64_t end = start + (uint64_t)seconds * 1000u;
    unsigned long sent = 0, failed = 0, to_2323 = 0;
    int last_errno = 0;
    uint8_t pkt[kProbeLen];
    for (unsigned long i = 0;; ++i) {
        uint64_t due = start + i * 1000u / (uint64_t)rate;
        if (due >= end)
            break;
        uint64_t now = sample_now_ms();
        if (due > now)
            sample_sleep_ms(due - now);

        uint32_t dst = kTargetNet | (1u + sample_rand() % 254u);
        uint16_t dport = (sample_rand() % 10u == 0) ? 2323 : 23;
        uint16_t sport = (uint16_t)(1024u + sample_rand() % 64000u);
        build_probe(pkt, src, dst, sport, dport);

        struct sockaddr_in to;
        memset(&to, 0, sizeof to);
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(dst);
        if (sendto(fd, pkt, sizeof pkt, MSG_NOSIGNAL, (struct sockaddr*)&to, sizeof to) == (ssize_t)sizeof pkt) {
            ++sent;
            if (dport == 2323)
                ++to_2323;
        } else {
            ++failed;
            last_errno = errno;
        }
        if (i < 3)
            sample_log("probe: %s:%u seq=0x%08x sport=%u", sample_ip_text(dst, text, sizeof text), dport, dst, sport);
    }
    close(fd);
    double elapsed = (double)(sample_now_ms() - start) / 1000.0;
    sample_log("scan: done sent=%lu failed=%lu port2323=%lu elapsed=%.1fs%s%s", sent, failed, to_2323, elapsed,
               failed ? " last_error=" : "", failed ? strerror(last_errno) : "");
    return 0;
}

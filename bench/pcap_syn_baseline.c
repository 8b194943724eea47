/*
 * pcap_syn_baseline: the minimal C reader that the darknet throughput benchmark compares
 * `kansoku darknet analyze` against (see bench/README.md).
 *
 * It does the least useful work on a darknet capture: read every record with pcap_next_ex and,
 * for Ethernet II / IPv4 / TCP frames with SYN set and ACK clear, count one probe for the
 * destination port. It keeps no per-source state and emits no events. Only the read loop is
 * timed (CLOCK_MONOTONIC), and a checksum over the counters is printed so the compiler cannot
 * drop the parsing.
 *
 * Output, one line of key=value pairs so bench/run can parse it:
 *   packets=N syns=N seconds=S pps=P checksum=C
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t syn_per_port[65536];

static double nowSeconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* pcap = pcap_open_offline(argv[1], errbuf);
    if (pcap == NULL) {
        fprintf(stderr, "pcap_syn_baseline: %s\n", errbuf);
        return 1;
    }
    if (pcap_datalink(pcap) != DLT_EN10MB) {
        fprintf(stderr, "pcap_syn_baseline: %s: only Ethernet (DLT_EN10MB) captures\n", argv[1]);
        pcap_close(pcap);
        return 1;
    }

    uint64_t packets = 0;
    uint64_t syns = 0;
    struct pcap_pkthdr* header;
    const u_char* data;
    int rc;

    const double start = nowSeconds();
    while ((rc = pcap_next_ex(pcap, &header, &data)) == 1) {
        ++packets;
        const uint32_t len = header->caplen;
        if (len < 14 + 20) {
            continue;
        }
        const uint16_t ethertype = (uint16_t)((data[12] << 8) | data[13]);
        if (ethertype != 0x0800) {
            continue;
        }
        const u_char* ip = data + 14;
        if ((ip[0] >> 4) != 4 || ip[9] != 6) {
            continue;
        }
        const uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;
        if (ihl < 20 || 14 + ihl + 14 > len) {
            continue;
        }
        /* A non-first fragment carries no TCP header. */
        if ((((ip[6] << 8) | ip[7]) & 0x1fff) != 0) {
            continue;
        }
        const u_char* tcp = ip + ihl;
        const uint8_t flags = tcp[13];
        if ((flags & 0x12) == 0x02) { /* SYN without ACK */
            ++syns;
            ++syn_per_port[(tcp[2] << 8) | tcp[3]];
        }
    }
    const double seconds = nowSeconds() - start;

    if (rc == -1) {
        fprintf(stderr, "pcap_syn_baseline: %s: %s\n", argv[1], pcap_geterr(pcap));
        pcap_close(pcap);
        return 1;
    }
    pcap_close(pcap);

    /* Order-dependent checksum over the counters (FNV-1a over their values). */
    uint64_t checksum = 1469598103934665603ULL;
    for (uint32_t port = 0; port < 65536; ++port) {
        checksum = (checksum ^ syn_per_port[port]) * 1099511628211ULL;
    }
    printf("packets=%llu syns=%llu seconds=%.6f pps=%.0f checksum=%016llx\n", (unsigned long long)packets,
           (unsigned long long)syns, seconds, seconds > 0 ? (double)packets / seconds : 0.0,
           (unsigned long long)checksum);
    return 0;
}

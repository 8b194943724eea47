/*
 * c2_beacon.c - imitates the Mirai bot's C2 contact.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code and only uses TEST-NET addresses.
 *
 * Imitated behaviour (published Mirai source, bot/resolv.c and bot/main.c; Antonakakis et al., USENIX Security
 * 2017, section 3): the bot resolves its C2 domain by building its own DNS query and sending it over UDP to a
 * hard-coded public resolver (8.8.8.8 in Mirai), connects over TCP to the answer on port 23, sends the 4-byte
 * hello 00 00 00 01, then a one-byte id length and the id string, and keeps the session alive with 2-byte zero
 * heartbeats while it waits for length-prefixed commands.
 *
 * Here the resolver is 192.0.2.53 and the fallback C2 is 198.51.100.66 (both TEST-NET); nothing answers at those
 * addresses outside the sandbox's fake network. The address in the DNS answer is used as given: only the sandbox's
 * fake resolver can produce one.
 * Usage: c2_beacon [SECONDS [DOMAIN [ID]]]   defaults: 3, cnc.example.test, kansoku-test
 */
#define _GNU_SOURCE
#include "sample_net.h"

static const uint32_t kResolver = 0xC0000235u;   /* 192.0.2.53 */
static const uint32_t kFallbackC2 = 0xC6336442u; /* 198.51.100.66 */
enum { kC2Port = 23 };

int main(int argc, char** argv) {
    sample_init("c2_beacon");
    sample_rng_seed();
    long seconds = sample_seconds(argc, argv, 3);
    const char* domain = (argc > 2 && sample_parse_number(argv[1]) >= 0) ? argv[2] : "cnc.example.test";
    const char* bot_id = (argc > 3 && sample_parse_number(argv[1]) >= 0) ? argv[3] : "kansoku-test";
    size_t id_len = strlen(bot_id);
    if (id_len > 255)
        id_len = 255;

    char text[16];
    uint32_t c2 = sample_resolve(kResolver, domain);
    if (c2 == 0) {
        c2 = kFallbackC2;
        sample_log("c2: no DNS answer, using fallback %s", sample_ip_text(c2, text, sizeof text));
    }
    int fd = sample_connect(c2, kC2Port, 2000);
    if (fd < 0) {
        sample_log("c2: connect %s:%d failed (%s)", sample_ip_text(c2, text, sizeof text), kC2Port, strerror(errno));
        return 0;
    }
    sample_log("c2: connected to %s:%d", sample_ip_text(c2, text, sizeof text), kC2Port);

    uint8_t hello[4 + 1 + 255] = {0x00, 0x00, 0x00, 0x01, (uint8_t)id_len};
    memcpy(hello + 5, bot_id, id_len);
    ssize_t sent = send(fd, hello, 5 + id_len, MSG_NOSIGNAL);
    sample_log("c2: hello 00000001 id=\"%.*s\" sent %zd bytes", (int)id_len, bot_id, sent);

    uint64_t end = sample_now_ms() + (uint64_t)seconds * 1000u;
    unsigned heartbeats = 0;
    while (sample_now_ms() < end) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 1000) > 0) {
            uint8_t command[1024];
            ssize_t got = recv(fd, command, sizeof command, 0);
            if (got <= 0) {
                sample_log("c2: connection closed by peer");
                break;
            }
            sample_log("c2: received %zd bytes (command ignored)", got);
            continue;
        }
        static const uint8_t kHeartbeat[2] = {0, 0};
        if (send(fd, kHeartbeat, sizeof kHeartbeat, MSG_NOSIGNAL) != 2) {
            sample_log("c2: heartbeat failed (%s)", strerror(errno));
            break;
        }
        ++heartbeats;
    }
    sample_log("c2: done heartbeats=%u", heartbeats);
    close(fd);
    return 0;
}

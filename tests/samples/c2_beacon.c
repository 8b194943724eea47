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
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "sample_common.h"

static const uint32_t kResolver = 0xC0000235u;   /* 192.0.2.53 */
static const uint32_t kFallbackC2 = 0xC6336442u; /* 198.51.100.66 */
enum { kC2Port = 23, kDnsPort = 53 };

/* Builds an A query for name; returns its length or 0 if it does not fit. */
static size_t build_query(uint8_t* out, size_t cap, const char* name, uint16_t id) {
    size_t n = 0;
    if (cap < 12)
        return 0;
    memset(out, 0, 12);
    out[0] = (uint8_t)(id >> 8);
    out[1] = (uint8_t)id;
    out[2] = 0x01; /* RD */
    out[5] = 1;    /* QDCOUNT */
    n = 12;
    const char* label = name;
    while (*label != '\0') {
        const char* dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        if (len == 0 || len > 63 || n + 1 + len + 5 > cap)
            return 0;
        out[n++] = (uint8_t)len;
        memcpy(out + n, label, len);
        n += len;
        label += len;
        if (*label == '.')
            ++label;
    }
    out[n++] = 0;
    out[n++] = 0;
    out[n++] = 1; /* QTYPE A */
    out[n++] = 0;
    out[n++] = 1; /* QCLASS IN */
    return n;
}

/* Skips a (possibly compressed) name; returns the offset after it, or 0 on malformed input. */
static size_t skip_name(const uint8_t* msg, size_t len, size_t off) {
    for (int guard = 0; guard < 128; ++guard) {
        if (off >= len)
            return 0;
        uint8_t b = msg[off];
        if (b == 0)
            return off + 1;
        if ((b & 0xC0) == 0xC0)
            return off + 2 <= len ? off + 2 : 0;
        if (b & 0xC0)
            return 0;
        off += 1u + b;
    }
    return 0;
}

/* Returns the first A record in a response with the given id, or 0. Every read is bounds-checked. */
static uint32_t parse_answer(const uint8_t* msg, size_t len, uint16_t id) {
    if (len < 12 || msg[0] != (uint8_t)(id >> 8) || msg[1] != (uint8_t)id || !(msg[2] & 0x80))
        return 0;
    unsigned qd = (unsigned)msg[4] << 8 | msg[5];
    unsigned an = (unsigned)msg[6] << 8 | msg[7];
    size_t off = 12;
    for (unsigned i = 0; i < qd; ++i) {
        off = skip_name(msg, len, off);
        if (off == 0 || off + 4 > len)
            return 0;
        off += 4;
    }
    for (unsigned i = 0; i < an; ++i) {
        off = skip_name(msg, len, off);
        if (off == 0 || off + 10 > len)
            return 0;
        unsigned type = (unsigned)msg[off] << 8 | msg[off + 1];
        unsigned rdlen = (unsigned)msg[off + 8] << 8 | msg[off + 9];
        off += 10;
        if (off + rdlen > len)
            return 0;
        if (type == 1 && rdlen == 4)
            return (uint32_t)msg[off] << 24 | (uint32_t)msg[off + 1] << 16 | (uint32_t)msg[off + 2] << 8 | msg[off + 3];
        off += rdlen;
    }
    return 0;
}

static uint32_t resolve(const char* domain) {
    char text[16];
    uint8_t query[300], reply[512];
    uint16_t id = (uint16_t)sample_rand();
    size_t qlen = build_query(query, sizeof query, domain, id);
    if (qlen == 0) {
        sample_log("dns: cannot encode %s", domain);
        return 0;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        sample_log("dns: socket failed (%s)", strerror(errno));
        return 0;
    }
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(kDnsPort);
    to.sin_addr.s_addr = htonl(kResolver);
    uint32_t answer = 0;
    for (int attempt = 1; attempt <= 2 && answer == 0; ++attempt) {
        if (sendto(fd, query, qlen, 0, (struct sockaddr*)&to, sizeof to) != (ssize_t)qlen) {
            sample_log("dns: query %s A to %s:53 failed (%s)", domain, sample_ip_text(kResolver, text, sizeof text),
                       strerror(errno));
            break;
        }
        sample_log("dns: query %s A sent to hard-coded resolver %s:53 (attempt %d)", domain,
                   sample_ip_text(kResolver, text, sizeof text), attempt);
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 1000) <= 0) {
            sample_log("dns: no reply");
            continue;
        }
        ssize_t got = recv(fd, reply, sizeof reply, 0);
        if (got > 0)
            answer = parse_answer(reply, (size_t)got, id);
        sample_log("dns: reply %zd bytes, answer %s", got, answer ? sample_ip_text(answer, text, sizeof text) : "none");
    }
    close(fd);
    return answer;
}

static int connect_with_timeout(uint32_t ip, uint16_t port, int timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(ip);
    if (connect(fd, (struct sockaddr*)&to, sizeof to) != 0) {
        if (errno != EINPROGRESS)
            goto fail;
        struct pollfd pfd = {fd, POLLOUT, 0};
        if (poll(&pfd, 1, timeout_ms) <= 0) {
            errno = ETIMEDOUT;
            goto fail;
        }
        int err = 0;
        socklen_t err_len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
        if (err != 0) {
            errno = err;
            goto fail;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

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
    uint32_t c2 = resolve(domain);
    if (c2 == 0) {
        c2 = kFallbackC2;
        sample_log("c2: no DNS answer, using fallback %s", sample_ip_text(c2, text, sizeof text));
    }
    int fd = connect_with_timeout(c2, kC2Port, 2000);
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

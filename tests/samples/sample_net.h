/*
 * sample_net.h - the DNS and TCP client code shared by the kansoku test "malware" programs (c2_beacon, iot_bot).
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM. Not malware, contains no real bot code. See README.md.
 *
 * Like Mirai's bot/resolv.c, the query is built by hand and sent over UDP to a resolver the caller names (a
 * TEST-NET address in our programs), not through the libc resolver and /etc/resolv.conf.
 */
#ifndef KANSOKU_SAMPLE_NET_H
#define KANSOKU_SAMPLE_NET_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "sample_common.h"

/* Builds an A query for name; returns its length or 0 if it does not fit. */
static inline size_t sample_dns_query(uint8_t* out, size_t cap, const char* name, uint16_t id) {
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
static inline size_t sample_dns_skip_name(const uint8_t* msg, size_t len, size_t off) {
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
static inline uint32_t sample_dns_answer(const uint8_t* msg, size_t len, uint16_t id) {
    if (len < 12 || msg[0] != (uint8_t)(id >> 8) || msg[1] != (uint8_t)id || !(msg[2] & 0x80))
        return 0;
    unsigned qd = (unsigned)msg[4] << 8 | msg[5];
    unsigned an = (unsigned)msg[6] << 8 | msg[7];
    size_t off = 12;
    for (unsigned i = 0; i < qd; ++i) {
        off = sample_dns_skip_name(msg, len, off);
        if (off == 0 || off + 4 > len)
            return 0;
        off += 4;
    }
    for (unsigned i = 0; i < an; ++i) {
        off = sample_dns_skip_name(msg, len, off);
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

static inline uint32_t sample_resolve(uint32_t resolver, const char* domain) {
    char text[16];
    uint8_t query[300], reply[512];
    uint16_t id = (uint16_t)sample_rand();
    size_t qlen = sample_dns_query(query, sizeof query, domain, id);
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
    to.sin_port = htons(53);
    to.sin_addr.s_addr = htonl(resolver);
    uint32_t answer = 0;
    for (int attempt = 1; attempt <= 2 && answer == 0; ++attempt) {
        if (sendto(fd, query, qlen, 0, (struct sockaddr*)&to, sizeof to) != (ssize_t)qlen) {
            sample_log("dns: query %s A to %s:53 failed (%s)", domain, sample_ip_text(resolver, text, sizeof text),
                       strerror(errno));
            break;
        }
        sample_log("dns: query %s A sent to hard-coded resolver %s:53 (attempt %d)", domain,
                   sample_ip_text(resolver, text, sizeof text), attempt);
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 1000) <= 0) {
            sample_log("dns: no reply");
            continue;
        }
        ssize_t got = recv(fd, reply, sizeof reply, 0);
        if (got > 0)
            answer = sample_dns_answer(reply, (size_t)got, id);
        sample_log("dns: reply %zd bytes, answer %s", got, answer ? sample_ip_text(answer, text, sizeof text) : "none");
    }
    close(fd);
    return answer;
}

static inline int sample_connect(uint32_t ip, uint16_t port, int timeout_ms) {
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

#endif

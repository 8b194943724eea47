/*
 * socket.c - BSD socket calls of minilibc, each one Linux system call (ARM EABI has one per call, no
 * socketcall multiplexer).
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <stddef.h>
#include <sys/socket.h>

#include "syscall.h"

int socket(int domain, int type, int protocol) {
    return (int)SYS3(__NR_socket, domain, type, protocol);
}
int connect(int fd, const struct sockaddr* to, socklen_t size) {
    return (int)SYS3(__NR_connect, fd, to, size);
}
int bind(int fd, const struct sockaddr* at, socklen_t size) {
    return (int)SYS3(__NR_bind, fd, at, size);
}
int listen(int fd, int backlog) {
    return (int)SYS2(__NR_listen, fd, backlog);
}

ssize_t sendto(int fd, const void* data, size_t size, int flags, const struct sockaddr* to, socklen_t to_size) {
    return SYS6(__NR_sendto, fd, data, size, flags, to, to_size);
}

ssize_t send(int fd, const void* data, size_t size, int flags) {
    return sendto(fd, data, size, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void* buffer, size_t size, int flags, struct sockaddr* restrict from,
                 socklen_t* restrict from_size) {
    return SYS6(__NR_recvfrom, fd, buffer, size, flags, from, from_size);
}

ssize_t recv(int fd, void* buffer, size_t size, int flags) {
    return recvfrom(fd, buffer, size, flags, NULL, NULL);
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t size) {
    return (int)SYS5(__NR_setsockopt, fd, level, name, value, size);
}

int getsockopt(int fd, int level, int name, void* restrict value, socklen_t* restrict size) {
    return (int)SYS5(__NR_getsockopt, fd, level, name, value, size);
}

int getsockname(int fd, struct sockaddr* restrict at, socklen_t* restrict size) {
    return (int)SYS3(__NR_getsockname, fd, at, size);
}

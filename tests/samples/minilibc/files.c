/*
 * files.c - file and descriptor calls of minilibc, each one Linux system call (ARM EABI numbers).
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#define _GNU_SOURCE /* O_LARGEFILE, __O_TMPFILE */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall.h"

/* Like glibc, open is openat(AT_FDCWD, ...), with the mode read only where the flags create a file. */
int open(const char* path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | __O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return (int)SYS4(__NR_openat, AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

ssize_t read(int fd, void* buffer, size_t size) {
    return SYS3(__NR_read, fd, buffer, size);
}
ssize_t write(int fd, const void* buffer, size_t size) {
    return SYS3(__NR_write, fd, buffer, size);
}
int close(int fd) {
    return (int)SYS1(__NR_close, fd);
}
int unlink(const char* path) {
    return (int)SYS1(__NR_unlink, path);
}
int mkdir(const char* path, mode_t mode) {
    return (int)SYS2(__NR_mkdir, path, mode);
}
int chmod(const char* path, mode_t mode) {
    return (int)SYS2(__NR_chmod, path, mode);
}
int chdir(const char* path) {
    return (int)SYS1(__NR_chdir, path);
}
int chroot(const char* path) {
    return (int)SYS1(__NR_chroot, path);
}
ssize_t readlink(const char* restrict path, char* restrict buffer, size_t size) {
    return SYS3(__NR_readlink, path, buffer, size);
}
int poll(struct pollfd* fds, nfds_t count, int timeout_ms) {
    return (int)SYS3(__NR_poll, fds, count, timeout_ms);
}

int fcntl(int fd, int command, ...) {
    va_list ap;
    va_start(ap, command);
    long arg = va_arg(ap, long);
    va_end(ap);
    return (int)SYS3(__NR_fcntl64, fd, command, arg);
}

int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    return (int)SYS3(__NR_ioctl, fd, request, arg);
}

/*
 * process.c - process, signal, time and namespace calls of minilibc, each one Linux system call (ARM EABI).
 *
 * TEST SUPPORT WRITTEN BY THE KANSOKU TEAM (README.md).
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

pid_t getpid(void) {
    return (pid_t)SYS0(__NR_getpid);
}
pid_t getppid(void) {
    return (pid_t)SYS0(__NR_getppid);
}
pid_t fork(void) {
    return (pid_t)SYS0(__NR_fork);
}
pid_t setsid(void) {
    return (pid_t)SYS0(__NR_setsid);
}
int setpgid(pid_t pid, pid_t group) {
    return (int)SYS2(__NR_setpgid, pid, group);
}
int kill(pid_t pid, int signal_number) {
    return (int)SYS2(__NR_kill, pid, signal_number);
}
pid_t waitpid(pid_t pid, int* status, int options) {
    return (pid_t)SYS4(__NR_wait4, pid, status, options, 0);
}
pid_t wait(int* status) {
    return waitpid(-1, status, 0);
}
int unshare(int flags) {
    return (int)SYS1(__NR_unshare, flags);
}
int mount(const char* source, const char* target, const char* type, unsigned long flags, const void* data) {
    return (int)SYS5(__NR_mount, source, target, type, flags, data);
}

void _exit(int status) {
    for (;;)
        SYS1(__NR_exit_group, status);
}

int prctl(int option, ...) {
    va_list ap;
    va_start(ap, option);
    unsigned long a = va_arg(ap, unsigned long), b = va_arg(ap, unsigned long);
    unsigned long c = va_arg(ap, unsigned long), d = va_arg(ap, unsigned long);
    va_end(ap);
    return (int)SYS5(__NR_prctl, option, a, b, c, d);
}

int nanosleep(const struct timespec* request, struct timespec* remaining) {
    return (int)SYS2(__NR_nanosleep, request, remaining);
}

int clock_gettime(clockid_t clock, struct timespec* now) {
    return (int)SYS2(__NR_clock_gettime, clock, now);
}

time_t time(time_t* out) {
    struct timespec now = {0, 0};
    clock_gettime(CLOCK_REALTIME, &now);
    if (out != NULL)
        *out = now.tv_sec;
    return now.tv_sec;
}

/* The kernel's struct sigaction for rt_sigaction on ARM: handler, flags, restorer, 64-bit mask. */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask[2];
};

/* BSD semantics (glibc's signal): SA_RESTART. Without SA_RESTORER the kernel (and qemu) supply the return. */
__sighandler_t signal(int signal_number, __sighandler_t handler) {
    struct kernel_sigaction action, old;
    memset(&action, 0, sizeof action);
    action.handler = handler;
    action.flags = SA_RESTART;
    if (SYS4(__NR_rt_sigaction, signal_number, &action, &old, sizeof action.mask) != 0)
        return SIG_ERR;
    return old.handler;
}

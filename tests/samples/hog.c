/*
 * hog.c - a sample that is bad input for the sandbox itself: a huge file, a flood of system calls, a fork loop and
 * a run past any time limit, in that order.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM. Issue 16, "Bad input": the analysis must end within its time limit
 * with what was seen and say why, with a bounded trace whose truncation is counted, on every CPU.
 *   1. a child writes /tmp/.hog.bin in 64 KiB blocks (at most 1 GiB) without handling SIGXFSZ, so the jail's
 *      file-size limit kills it (Mirai-family loaders that fill a device's flash die the same way);
 *   2. opens /tmp/.hog-flood (which does not exist) for writing KANSOKU_SAMPLE_FLOOD times (default 20000): one
 *      file event each, more than the tracer keeps;
 *   3. forks until fork fails (children sleep and die with their parent, PR_SET_PDEATHSIG);
 *   4. sleeps KANSOKU_SAMPLE_SLEEP seconds (default 3600).
 * Each step prints one line. Run it only in the sandbox jail (README.md).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sample_common.h"

static void write_huge_file(void) {
    pid_t writer = fork();
    if (writer == 0) {
        static char block[64 * 1024];
        memset(block, 'h', sizeof block);
        int fd = open("/tmp/.hog.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        unsigned long blocks = 0;
        while (fd >= 0 && blocks < 16384 && write(fd, block, sizeof block) == (ssize_t)sizeof block)
            ++blocks;
        sample_log("huge-file: stopped after %lu KiB (%s)", blocks * 64, strerror(errno));
        _exit(0);
    }
    int status = 0;
    if (writer < 0 || waitpid(writer, &status, 0) != writer) {
        sample_log("huge-file: no writer (%s)", strerror(errno));
        return;
    }
    if (WIFSIGNALED(status))
        sample_log("huge-file: writer killed by signal %d", WTERMSIG(status));
    else
        sample_log("huge-file: writer exited %d", WEXITSTATUS(status));
}

static void flood_syscalls(long count) {
    long failed = 0;
    for (long i = 0; i < count; ++i) {
        int fd = open("/tmp/.hog-flood", O_WRONLY);
        if (fd >= 0)
            close(fd);
        else
            ++failed;
    }
    sample_log("flood: %ld opens, %ld failed", count, failed);
}

static void fork_loop(void) {
    unsigned long forked = 0;
    for (;;) {
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            for (;;)
                sample_sleep_ms(60000);
        }
        if (child < 0)
            break;
        ++forked;
    }
    sample_log("fork-loop: stopped after %lu children (%s)", forked, strerror(errno));
}

int main(void) {
    sample_init("hog");
    write_huge_file();
    flood_syscalls(sample_env_number("KANSOKU_SAMPLE_FLOOD", 20000));
    fork_loop();
    long seconds = sample_env_number("KANSOKU_SAMPLE_SLEEP", 3600);
    sample_log("sleeping %ld s", seconds);
    sample_sleep_ms((uint64_t)seconds * 1000u);
    return 0;
}

/*
 * killer.c - imitates the Mirai "killer" that removes competing bots.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code.
 *
 * Imitated behaviour (published Mirai source, bot/killer.c; Antonakakis et al., USENIX Security 2017, section 3;
 * MITRE ATT&CK T1489/T1562): the bot repeatedly walks /proc, reads each process's executable path and command
 * line, and sends SIGKILL to processes that look like competing bots. Mirai matches memory contents and deleted
 * executables; this imitation matches names only, from a short list of names no real system process uses.
 * So that there is something to kill, it first forks a child that renames itself "dvrHelper" (a name Mirai's
 * killer looks for). Inside the sandbox's PID namespace it can only see its own processes.
 * Usage: killer [SECONDS]   default 3 seconds, scans every 500 ms.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sample_common.h"

static const char* const kTargets[] = {"dvrHelper", ".anime", "kansoku-rival", "qbot-test"};

static int matches(const char* text) {
    for (size_t i = 0; i < sizeof kTargets / sizeof kTargets[0]; ++i)
        if (strstr(text, kTargets[i]) != NULL)
            return 1;
    return 0;
}

/* Reads a small /proc file into buffer (NULs turned into spaces); returns its length. */
static size_t read_proc(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buffer, size - 1);
    close(fd);
    if (n <= 0)
        return 0;
    for (ssize_t i = 0; i < n; ++i)
        if (buffer[i] == '\0' || buffer[i] == '\n')
            buffer[i] = ' ';
    while (n > 0 && buffer[n - 1] == ' ')
        --n;
    buffer[n] = '\0';
    return (size_t)n;
}

static unsigned scan_once(pid_t self, pid_t parent) {
    DIR* proc = opendir("/proc");
    if (proc == NULL) {
        sample_log("scan: opendir /proc failed (%s)", strerror(errno));
        return 0;
    }
    unsigned killed = 0;
    struct dirent* entry;
    while ((entry = readdir(proc)) != NULL) {
        long pid = sample_parse_number(entry->d_name);
        if (pid <= 1 || pid == self || pid == parent)
            continue;
        char path[64], stat[512], comm[64], cmdline[512], exe[512];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        read_proc(path, stat, sizeof stat);
        const char* state = strrchr(stat, ')');
        if (state != NULL && state[1] == ' ' && state[2] == 'Z')
            continue; /* already dead, not yet reaped */
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        read_proc(path, comm, sizeof comm);
        snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
        read_proc(path, cmdline, sizeof cmdline);
        snprintf(path, sizeof path, "/proc/%ld/exe", pid);
        ssize_t n = readlink(path, exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        if (!matches(comm) && !matches(cmdline) && !matches(exe))
            continue;
        int rc = kill((pid_t)pid, SIGKILL);
        sample_log("kill: pid %ld comm=\"%s\" cmdline=\"%s\" exe=\"%s\" SIGKILL -> %s", pid, comm, cmdline, exe,
                   rc == 0 ? "ok" : strerror(errno));
        if (rc == 0)
            ++killed;
    }
    closedir(proc);
    return killed;
}

int main(int argc, char** argv) {
    sample_init("killer");
    long seconds = sample_seconds(argc, argv, 3);

    pid_t rival = fork();
    if (rival == 0) {
        prctl(PR_SET_NAME, (unsigned long)"dvrHelper", 0, 0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        for (int i = 0; i < 600; ++i)
            sample_sleep_ms(100); /* at most a minute */
        _exit(0);
    }
    if (rival < 0)
        sample_log("spawn: fork failed (%s)", strerror(errno));
    else
        sample_log("spawn: rival child %ld named dvrHelper", (long)rival);
    sample_sleep_ms(200); /* let the child rename itself */

    uint64_t end = sample_now_ms() + (uint64_t)seconds * 1000u;
    unsigned scans = 0, killed = 0;
    do {
        killed += scan_once(getpid(), getppid());
        ++scans;
        if (rival > 0 && waitpid(rival, NULL, WNOHANG) == rival) {
            sample_log("spawn: rival child %ld reaped", (long)rival);
            rival = 0;
        }
        sample_sleep_ms(500);
    } while (sample_now_ms() < end);
    if (rival > 0) {
        kill(rival, SIGKILL);
        waitpid(rival, NULL, 0);
    }
    sample_log("scan: done scans=%u killed=%u", scans, killed);
    return 0;
}

/*
 * daemon_renamer.c - imitates how the Mirai bot hides and settles in after it starts.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM; it contains no real bot code.
 *
 * Imitated behaviour (published Mirai source, bot/main.c; Antonakakis et al., USENIX Security 2017, section 3;
 * persistence attempts as described for Linux IoT bots, e.g. MITRE ATT&CK T1037.004 RC scripts, T1053.003 cron):
 *   - deletes its own executable (Mirai: unlink(args[0])), T1070.004;
 *   - opens /dev/watchdog and disables it so the device does not reboot (Mirai: WDIOC_SETOPTIONS DISABLECARD);
 *   - makes sure only one copy runs by binding 127.0.0.1:48101 (Mirai: ensure_single_instance), and if the port is
 *     taken connects to it as Mirai does to make the other copy exit;
 *   - renames itself with prctl(PR_SET_NAME) and overwrites argv[0] (Mirai: random name), T1036.004/T1036.005;
 *   - forks into the background and starts a new session (Mirai: fork, parent exits, setsid);
 *   - tries to persist by writing /etc/init.d/S95bot and a crontab line (Mirai itself does not persist; later
 *     variants and Gafgyt/Hajime-like bots do). The files hold only a comment and "/bin/true";
 *   - drops a "second stage" script next to itself, /tmp/.kansoku_stage2.sh, as droppers do (it holds only a
 *     comment and "/bin/true"; it is never run), so the sandbox has a dropped file to store as a new sample.
 * Usage: daemon_renamer [SECONDS [NAME]]   default 3 seconds, name "/usr/sbin/dropbear".
 * Run it only inside the sandbox jail: it deletes its own file and writes under /etc.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "sample_common.h"

/* From <linux/watchdog.h>, spelled out so the program builds without kernel headers. */
#define KANSOKU_WDIOC_SETOPTIONS 0x80045704u
#define KANSOKU_WDIOS_DISABLECARD 0x0001

enum { kSingleInstancePort = 48101 };

static void delete_self(const char* argv0) {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        sample_log("self-delete: unlink %s -> %s", exe, unlink(exe) == 0 ? "ok" : strerror(errno));
    } else {
        sample_log("self-delete: readlink /proc/self/exe failed (%s)", strerror(errno));
    }
    /* Mirai unlinks args[0]; under qemu-user /proc/self/exe names the emulator, so try argv[0] as well. */
    if (argv0 != NULL && strchr(argv0, '/') != NULL && (n <= 0 || strcmp(argv0, exe) != 0))
        sample_log("self-delete: unlink %s -> %s", argv0, unlink(argv0) == 0 ? "ok" : strerror(errno));
}

static void disable_watchdog(void) {
    const char* paths[] = {"/dev/watchdog", "/dev/misc/watchdog"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; ++i) {
        int fd = open(paths[i], O_RDWR);
        if (fd < 0) {
            sample_log("watchdog: open %s failed (%s)", paths[i], strerror(errno));
            continue;
        }
        int option = KANSOKU_WDIOS_DISABLECARD;
        int rc = ioctl(fd, KANSOKU_WDIOC_SETOPTIONS, &option);
        sample_log("watchdog: open %s ok, disable -> %s", paths[i], rc == 0 ? "ok" : strerror(errno));
        (void)!write(fd, "V", 1); /* magic close: never leave a watchdog armed */
        close(fd);
        return;
    }
}

static int ensure_single_instance(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        sample_log("single-instance: socket failed (%s)", strerror(errno));
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(kSingleInstancePort);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr*)&addr, sizeof addr) == 0 && listen(fd, 1) == 0) {
        sample_log("single-instance: bound 127.0.0.1:%d", kSingleInstancePort);
        return fd;
    }
    sample_log("single-instance: bind 127.0.0.1:%d failed (%s)", kSingleInstancePort, strerror(errno));
    if (errno == EADDRINUSE) {
        int other = socket(AF_INET, SOCK_STREAM, 0);
        int rc = other < 0 ? -1 : connect(other, (struct sockaddr*)&addr, sizeof addr);
        sample_log("single-instance: connect to other copy -> %s", rc == 0 ? "ok" : strerror(errno));
        if (other >= 0)
            close(other);
    }
    close(fd);
    return -1;
}

static void rename_self(int argc, char** argv, const char* name) {
    char new_name[256];
    size_t name_len = strlen(name) < sizeof new_name - 1 ? strlen(name) : sizeof new_name - 1;
    memcpy(new_name, name, name_len); /* name may live in the argv area we are about to wipe */
    new_name[name_len] = '\0';
    const char* base = strrchr(new_name, '/');
    char comm[16] = {0}; /* the kernel keeps 15 characters */
    strncpy(comm, base ? base + 1 : new_name, sizeof comm - 1);
    sample_log("rename: prctl(PR_SET_NAME, \"%s\") -> %s", comm,
               prctl(PR_SET_NAME, (unsigned long)comm, 0, 0, 0) == 0 ? "ok" : strerror(errno));
    /* argv strings are contiguous; overwrite the whole area as bots do, keeping within its bounds. */
    char* area = argv[0];
    char* area_end = argv[argc - 1] + strlen(argv[argc - 1]);
    size_t room = (size_t)(area_end - area);
    memset(area, 0, room);
    memcpy(area, new_name, name_len < room ? name_len : room);
    sample_log("rename: argv[0] overwritten with \"%s\" (%zu bytes of argv area)", area, room);
}

static void write_file(const char* path, const char* text, int append) {
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0755);
    if (fd < 0) {
        sample_log("persist: write %s failed (%s)", path, strerror(errno));
        return;
    }
    ssize_t n = write(fd, text, strlen(text));
    sample_log("persist: write %s -> %zd bytes", path, n);
    close(fd);
}

static void drop_second_stage(void) {
    write_file(
        "/tmp/.kansoku_stage2.sh",
        "#!/bin/sh\n# kansoku test sample: a second stage dropped by daemon_renamer; it does nothing\n/bin/true\n", 0);
}

static void try_persistence(void) {
    write_file("/etc/init.d/S95bot", "#!/bin/sh\n# kansoku test sample persistence marker\n/bin/true\n", 0);
    sample_log("persist: chmod /etc/init.d/S95bot -> %s",
               chmod("/etc/init.d/S95bot", 0755) == 0 ? "ok" : strerror(errno));
    mkdir("/var/spool/cron", 0755);
    mkdir("/var/spool/cron/crontabs", 0755);
    write_file("/var/spool/cron/crontabs/root", "*/5 * * * * /bin/true # kansoku test sample\n", 1);
}

int main(int argc, char** argv) {
    sample_init("daemon_renamer");
    long seconds = sample_seconds(argc, argv, 3);
    const char* name = (argc > 2 && sample_parse_number(argv[1]) >= 0) ? argv[2] : "/usr/sbin/dropbear";

    delete_self(argv[0]);
    disable_watchdog();
    int instance_fd = ensure_single_instance();
    rename_self(argc, argv, name);

    pid_t child = fork();
    if (child < 0) {
        sample_log("daemon: fork failed (%s)", strerror(errno));
    } else if (child > 0) {
        sample_log("daemon: forked child %ld, parent exits", (long)child);
        return 0;
    } else {
        sample_log("daemon: in background, setsid -> %s", setsid() >= 0 ? "ok" : strerror(errno));
        /* Mirai closes stdio here; we keep stdout so the test can read what the program did. */
    }
    try_persistence();
    drop_second_stage();
    sample_log("daemon: sleeping %ld s", seconds);
    sample_sleep_ms((uint64_t)seconds * 1000u);
    if (instance_fd >= 0)
        close(instance_fd);
    sample_log("daemon: exit");
    return 0;
}

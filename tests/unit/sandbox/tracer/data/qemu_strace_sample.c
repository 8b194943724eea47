#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char** argv) {
    prctl(PR_SET_NAME, "sshd", 0, 0, 0);
    int fd = open("/tmp/kq_x.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd >= 0) {
        write(fd, "#!/bin/sh\n", 10);
        close(fd);
    }
    unlink("/tmp/kq_x.sh");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    inet_pton(AF_INET, "192.0.2.53", &a.sin_addr);
    connect(s, (struct sockaddr*)&a, sizeof a);
    int b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in l;
    memset(&l, 0, sizeof l);
    l.sin_family = AF_INET;
    l.sin_port = htons(48101);
    inet_pton(AF_INET, "127.0.0.1", &l.sin_addr);
    bind(b, (struct sockaddr*)&l, sizeof l);
    sendto(b, "x", 1, 0, (struct sockaddr*)&a, sizeof a);
    pid_t p = fork();
    if (p == 0) {
        pause();
        _exit(0);
    }
    kill(p, SIGKILL);
    waitpid(p, 0, 0);
    p = fork();
    if (p == 0) {
        char* av[] = {"/bin/true", "x", 0};
        execve("/bin/true", av, 0);
        _exit(1);
    }
    waitpid(p, 0, 0);
    mkdir("/tmp/kq_dir", 0700);
    rmdir("/tmp/kq_dir");
    chmod("/nonexistent", 0777);
    rename("/tmp/nonexist_a", "/tmp/nonexist_b");
    return 3;
}

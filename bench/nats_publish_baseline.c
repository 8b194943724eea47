/* The minimal libnats program every nats_bench figure is compared against: publishes each line of a
 * JSON lines file (repeated R times) to a JetStream stream with a message id, asynchronously, and
 * waits for every acknowledgement. No spool, no store, no checks: what the cluster and the client
 * library cost alone.
 *
 * Usage: nats_publish_baseline URL USER PASSWORD STREAM SUBJECT_PREFIX NAME FILE REPEAT
 * (messages go to SUBJECT_PREFIX.NAME.event with ids NAME:1, NAME:2, ...)
 * Prints: "<messages> <seconds>". The stream is created (3 replicas) if missing. */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(natsStatus s, const char* what) {
    if (s != NATS_OK) {
        fprintf(stderr, "%s: %s %s\n", what, natsStatus_GetText(s), nats_GetLastError(NULL));
        exit(1);
    }
}

int main(int argc, char** argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s URL USER PASSWORD STREAM SUBJECT_PREFIX NAME FILE REPEAT\n", argv[0]);
        return 2;
    }
    FILE* in = fopen(argv[7], "r");
    if (in == NULL) {
        perror(argv[7]);
        return 1;
    }
    size_t count = 0, cap = 1024;
    char** lines = malloc(cap * sizeof *lines);
    char* line = NULL;
    size_t n = 0;
    ssize_t len;
    while ((len = getline(&line, &n, in)) > 0) {
        if (line[len - 1] == '\n') {
            line[len - 1] = '\0';
        }
        if (count == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
        }
        lines[count++] = strdup(line);
    }
    fclose(in);
    const int repeat = atoi(argv[8]);

    natsOptions* opts = NULL;
    natsConnection* nc = NULL;
    jsCtx* js = NULL;
    check(natsOptions_Create(&opts), "options");
    check(natsOptions_SetURL(opts, argv[1]), "url");
    check(natsOptions_SetUserInfo(opts, argv[2], argv[3]), "user");
    check(natsConnection_Connect(&nc, opts), "connect");
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = 4096;
    jo.PublishAsync.StallWait = 10000;
    check(natsConnection_JetStream(&js, nc, &jo), "jetstream");
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    char subjects[256];
    snprintf(subjects, sizeof subjects, "%s.>", argv[5]);
    const char* list[] = {subjects};
    sc.Name = argv[4];
    sc.Subjects = list;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    sc.Replicas = 3;
    jsErrCode code = 0;
    natsStatus s = js_AddStream(NULL, js, &sc, NULL, &code);
    if (s != NATS_OK && code != JSStreamNameExistErr) {
        check(s, "add stream");
    }
    char subject[256];
    snprintf(subject, sizeof subject, "%s.%s.event", argv[5], argv[6]);
    char id[64];
    const double start = now();
    unsigned long sequence = 0;
    for (int r = 0; r < repeat; ++r) {
        for (size_t i = 0; i < count; ++i) {
            natsMsg* msg = NULL;
            check(natsMsg_Create(&msg, subject, NULL, lines[i], (int)strlen(lines[i])), "message");
            snprintf(id, sizeof id, "%s:%lu", argv[6], ++sequence);
            check(natsMsgHeader_Set(msg, "Nats-Msg-Id", id), "header");
            check(js_PublishMsgAsync(js, &msg, NULL), "publish");
            natsMsg_Destroy(msg);
        }
    }
    check(js_PublishAsyncComplete(js, NULL), "acknowledgements");
    printf("%lu %.3f\n", sequence, now() - start);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    natsOptions_Destroy(opts);
    return 0;
}

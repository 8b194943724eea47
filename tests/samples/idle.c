/*
 * idle.c - a sample that does nothing and exits 0 at once.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM. Issue 5, "Bad input": a sample that does nothing still gets a report.
 * Imitates a dropper whose payload is missing, or a bot started without the arguments it expects.
 */
int main(void) {
    return 0;
}

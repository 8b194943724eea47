/*
 * crasher.c - a sample that dies of SIGSEGV at once.
 *
 * TEST PROGRAM WRITTEN BY THE KANSOKU TEAM. Issue 5, "Bad input": a sample that exits at once still gets a report.
 * Imitates a bot built for the wrong CPU variant or one that crashes on an unexpected environment.
 */
#include <stdio.h>

int main(void) {
    puts("crasher: writing through a null pointer");
    fflush(stdout);
    *(volatile int*)0 = 1;
    return 0;
}

/* sanitizer_canary MODE - commits one memory error on purpose, so that
 * t/99-sanitizer.t can show that the sanitizer run really catches and
 * reports one (built with ./configure --enable-sanitizers; in a plain
 * build the errors go unnoticed, which that test says). Not a unit test:
 * make check does not run it.
 *   heap-overflow    reads one byte past a heap block
 *   use-after-free   reads a freed block
 *   ub-overflow      signed integer overflow (UBSan)
 *   leak             loses a block (LeakSanitizer, at exit)
 *   none             does nothing wrong */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "none";
    volatile char sink;
    volatile size_t past = 8;   /* volatile: the compiler must not see */
    char *volatile b;           /* the error coming and warn or drop it */

    if (strcmp(mode, "heap-overflow") == 0) {
        b = malloc(8);
        memset(b, 'x', 8);
        sink = b[past];
        free(b);
    }
    else if (strcmp(mode, "use-after-free") == 0) {
        b = malloc(8);
        memset(b, 'x', 8);
        free(b);
        sink = b[0];
    }
    else if (strcmp(mode, "ub-overflow") == 0) {
        volatile int i = INT_MAX;

        i = i + argc;
        sink = (char)i;
    }
    else if (strcmp(mode, "leak") == 0) {
        b = malloc(64);
        memset(b, 'x', 64);
        b = NULL;
        sink = 0;
    }
    else if (strcmp(mode, "none") == 0)
        sink = 0;
    else {
        fprintf(stderr, "usage: sanitizer_canary heap-overflow|use-after-free|"
                "ub-overflow|leak|none\n");
        return 2;
    }
    (void)sink;
    printf("sanitizer_canary %s: no error was caught\n", mode);
    return 0;
}

/* tinymlir bench harness: the same benchmark program for the host (valgrind/callgrind).
 *
 * Uses the generated bench_model.h / bench_input.h of main_cortex_m.c and prints the same
 * status=, out=, checksum= and done lines on stdout. There are no markers: callgrind
 * collects only inside BENCH_RUN (--toggle-collect=<name>_run). */
#include <stdint.h>
#include <stdio.h>

#include "bench_model.h"
#include "bench_input.h"

typedef char bench_input_size_matches_model[(sizeof bench_input == (BENCH_INPUT_SIZE)) ? 1 : -1];

static int8_t bench_output[BENCH_OUTPUT_SIZE] __attribute__((aligned(8)));

int main(void)
{
    int status = BENCH_RUN(bench_input, bench_output);
    printf("status=%d\n", status);
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < (size_t)(BENCH_OUTPUT_SIZE); i++) {
        uint8_t byte = (uint8_t)bench_output[i];
        if (i % 32 == 0)
            fputs(i ? "\nout=" : "out=", stdout);
        printf("%02x", byte);
        hash = (hash ^ byte) * 16777619u;
    }
    printf("\nchecksum=%08x\ndone\n", (unsigned)hash);
    return status;
}

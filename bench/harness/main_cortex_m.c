/* tinymlir bench harness: the benchmark program around one generated library, bare metal.
 *
 * Two headers are written next to the build by tinymlir.bench (write_bench_headers):
 *   bench_model.h  includes the library's <name>.h and defines
 *                  BENCH_RUN (= <name>_run), BENCH_INPUT_SIZE, BENCH_OUTPUT_SIZE
 *   bench_input.h  static const int8_t bench_input[] = {...}   (one input row)
 * The program runs BENCH_RUN(bench_input, bench_output) once between the bench_start and
 * bench_stop markers (run_measured), then prints over semihosting, outside the measured region:
 *   status=<return value of BENCH_RUN>
 *   stack=<bytes of stack used by the call, 4294967295 on overflow>
 *   out=<hex of up to 32 output bytes>          (as many lines as needed)
 *   checksum=<FNV-1a 32 of the output, 8 hex digits>
 *   done
 * and returns the run's status (so QEMU exits 1 when the library reports an error). */
#include <stdint.h>

#include "bench_model.h"
#include "bench_input.h"
#include "bench_rt.h"

/* Compile-time check that the embedded input row has the library's input size. */
typedef char bench_input_size_matches_model[(sizeof bench_input == (BENCH_INPUT_SIZE)) ? 1 : -1];

static int8_t bench_output[BENCH_OUTPUT_SIZE] __attribute__((aligned(8)));

static void put_hex(char *dst, uint32_t value, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        dst[i] = "0123456789abcdef"[value & 15u];
        value >>= 4;
    }
}

static void put_dec_line(const char *label, uint32_t value)
{
    char line[32], digits[10];
    int n = 0, k = 0;
    while (*label)
        line[n++] = *label++;
    do {
        digits[k++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value);
    while (k)
        line[n++] = digits[--k];
    line[n++] = '\n';
    line[n] = 0;
    bench_puts(line);
}

/* The measured region holds only this call: loading the two pointers, the call, keeping
 * the status and calling bench_stop (5 instructions besides <name>_run itself). It is a
 * separate function so that main's unrelated work cannot be scheduled into the region. */
static uintptr_t sp_at_call; /* SP at the measured call: the base of its stack use */

__attribute__((noinline)) static int run_measured(void)
{
    sp_at_call = bench_sp();
    bench_start();
    int status = BENCH_RUN(bench_input, bench_output);
    bench_stop();
    return status;
}

int main(void)
{
    int status = run_measured();
    uint32_t stack = bench_stack_used_below(sp_at_call);

    put_dec_line(status < 0 ? "status=-" : "status=", status < 0 ? 0u - (uint32_t)status : (uint32_t)status);
    put_dec_line("stack=", stack);

    uint32_t hash = 2166136261u;
    char line[4 + 64 + 2] = "out=";
    for (uint32_t i = 0; i < (uint32_t)(BENCH_OUTPUT_SIZE); i += 32) {
        uint32_t n = (uint32_t)(BENCH_OUTPUT_SIZE) - i < 32 ? (uint32_t)(BENCH_OUTPUT_SIZE) - i : 32;
        for (uint32_t j = 0; j < n; j++) {
            uint8_t byte = (uint8_t)bench_output[i + j];
            put_hex(&line[4 + 2 * j], byte, 2);
            hash = (hash ^ byte) * 16777619u;
        }
        line[4 + 2 * n] = '\n';
        line[4 + 2 * n + 1] = 0;
        bench_puts(line);
    }
    char sum[] = "checksum=xxxxxxxx\n";
    put_hex(&sum[9], hash, 8);
    bench_puts(sum);
    bench_puts("done\n");
    return status;
}

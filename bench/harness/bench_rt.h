/* tinymlir bench harness: what startup.c gives a bare-metal benchmark program. */
#ifndef TINYMLIR_BENCH_RT_H
#define TINYMLIR_BENCH_RT_H

#include <stdint.h>

/* Print a NUL-terminated string on the host's console (semihosting SYS_WRITE0). */
void bench_puts(const char *s);

/* Markers. The instruction-counting QEMU plugin snapshots its counter when execution reaches
 * each function's first instruction; the count between them is the measured region. Both
 * are empty (a single `bx lr`) and live in startup.c, so calls to them are never inlined. */
void bench_start(void);
void bench_stop(void);

/* Layer marker of the per-layer profile: a profiling build defines the library's
 * TINYMLIR_LAYER_HOOK(index, data, size) as a call to it, and the plugin (mode=profile)
 * starts a new segment of the count at each call. */
void bench_layer(void);

/* Stack high-water mark below `sp`, in bytes: startup.c paints the whole stack with a
 * pattern before main runs; this scans up from the stack limit for the first overwritten
 * word. Read `sp` with bench_sp() just before the measured call and call this right after
 * it, before anything else uses the stack (this function itself is a leaf that pushes
 * nothing). Returns BENCH_STACK_OVERFLOW when even the last word of the stack was written
 * (link.ld's STACK_SIZE is too small for the program). */
#define BENCH_STACK_OVERFLOW 0xFFFFFFFFu
uint32_t bench_stack_used_below(uintptr_t sp);

static inline uintptr_t bench_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

#endif

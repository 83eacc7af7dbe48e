/* tinymlir bench harness: minimal Cortex-M startup and ARM semihosting.
 *
 * Reset_Handler copies .data from flash, zeroes .bss, paints the stack with STACK_PAINT,
 * calls main() and exits QEMU through semihosting (exit status 0 when main returns 0).
 * Faults print "fault" and exit with status 1, so a crash never hangs the harness.
 * Needs QEMU's -semihosting; the layout comes from link.ld. */
#include <stdint.h>

#include "bench_rt.h"

#define STACK_PAINT 0xA5A5A5A5u

/* ARM semihosting operations (the "bkpt 0xab" trap on M-profile). */
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026 /* QEMU exits with status 0 */
#define ADP_STOPPED_RUNTIME_ERROR 0x20023    /* QEMU exits with status 1 */

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
int main(void);

static uintptr_t semihost(uintptr_t op, uintptr_t arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void bench_puts(const char *s) { semihost(SYS_WRITE0, (uintptr_t)s); }

__attribute__((noreturn)) static void bench_exit(int ok)
{
    semihost(SYS_EXIT, ok ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR);
    for (;;) {
    }
}

/* The asm comments differ so that GCC's identical-code folding cannot merge the
 * markers into one address; each compiles to a lone `bx lr`. */
__attribute__((noinline, used)) void bench_start(void) { __asm__ volatile("@ bench_start" ::: "memory"); }
__attribute__((noinline, used)) void bench_stop(void) { __asm__ volatile("@ bench_stop" ::: "memory"); }
__attribute__((noinline, used)) void bench_layer(void) { __asm__ volatile("@ bench_layer" ::: "memory"); }

uint32_t bench_stack_used_below(uintptr_t sp)
{
    const volatile uint32_t *p = __stack_limit;
    if (*p != STACK_PAINT)
        return BENCH_STACK_OVERFLOW; /* the deepest word is gone: assume it ran off the end */
    while ((uintptr_t)p < sp && *p == STACK_PAINT)
        p++;
    return (uint32_t)(sp - (uintptr_t)p);
}

/* The hardware loads SP from vectors[0] before jumping here, so this is plain C. The
 * volatile pointers keep GCC from turning the loops into memcpy/memset calls. */
__attribute__((noreturn, used)) void Reset_Handler(void)
{
    volatile uint32_t *dst = __data_start;
    const volatile uint32_t *src = __data_load;
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    uintptr_t sp = bench_sp();
    for (dst = __stack_limit; (uintptr_t)dst < sp - 64;) /* 64: margin below our own frame */
        *dst++ = STACK_PAINT;
    bench_exit(main() == 0);
}

static void Fault_Handler(void)
{
    bench_puts("fault\n");
    bench_exit(0);
}

__attribute__((section(".vectors"), used)) const void *const bench_vectors[16] = {
    __stack_top,   /* initial SP */
    Reset_Handler, /* reset */
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,    /* reserved */
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,             /* reserved */
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};

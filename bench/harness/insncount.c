/* tinymlir bench harness: QEMU TCG plugin counting the guest instructions executed between
 * two marker addresses (the entries of bench_start and bench_stop).
 *
 * Build: cc -shared -fPIC -O2 -o libinsncount.so insncount.c
 * Use:   qemu-system-arm ... -d plugin -D plugin.log \
 *            -plugin ./libinsncount.so,start=0xADDR,stop=0xADDR[,mode=insn]
 * At exit it writes to the QEMU log (one key=value a line):
 *   insns_total=<whole run>  insns_region=<between the markers>  marker_hits=<start>,<stop>
 *
 * Counting. By default (mode=tb) each translation block adds its instruction count to a
 * counter when it starts executing (an inline add, no helper call: fast). That is exact as
 * long as every block runs to its end, which holds for bare-metal code without exceptions
 * in the measured region (QEMU ends a block at every branch; the semihosting traps are
 * outside the region). mode=insn adds 1 per executed instruction instead: slower, exact by
 * construction, used by the tests to check the default. A marker callback runs when the
 * block starting at the marker's address executes; both markers are one-instruction
 * blocks (`bx lr`), so whether their own instruction is counted cancels out.
 *
 * Debian 12 ships qemu-system-arm 7.2 with plugin support but without qemu-plugin.h, so the
 * few declarations used here are written out below. They follow QEMU's plugin API
 * version 1 (include/qemu/qemu-plugin.h of QEMU 7.2); later QEMU versions changed the
 * inline-op API, so this file targets 7.2. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU plugin API v1: the subset this plugin uses ---------------------------------- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through, never inspected */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
void qemu_plugin_outs(const char *string);

#define PLUGIN_EXPORT __attribute__((visibility("default")))
PLUGIN_EXPORT int qemu_plugin_version = 1;
/* ---------------------------------------------------------------------------------------- */

static uint64_t start_addr = UINT64_MAX, stop_addr = UINT64_MAX;
static int per_insn;                      /* mode=insn */
static uint64_t insns;                    /* executed so far (single vCPU: no atomics needed) */
static uint64_t at_start, at_stop;        /* `insns` when each marker was reached */
static uint64_t start_hits, stop_hits;

static void on_start(unsigned int vcpu, void *udata)
{
    (void)vcpu, (void)udata;
    at_start = insns;
    start_hits++;
}

static void on_stop(unsigned int vcpu, void *udata)
{
    (void)vcpu, (void)udata;
    at_stop = insns;
    stop_hits++;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    if (pc == start_addr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_start, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (pc == stop_addr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_stop, QEMU_PLUGIN_CB_NO_REGS, NULL);
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (per_insn) {
        for (size_t i = 0; i < n; i++)
            qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i),
                                                       QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
    } else {
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &insns, n);
    }
}

static void on_qemu_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id, (void)udata;
    char report[160];
    snprintf(report, sizeof report,
             "insns_total=%" PRIu64 "\ninsns_region=%" PRIu64 "\nmarker_hits=%" PRIu64 ",%" PRIu64 "\n",
             insns, at_stop - at_start, start_hits, stop_hits);
    qemu_plugin_outs(report);
}

/* Arguments: start=0xADDR, stop=0xADDR (Thumb bit ignored), mode=tb|insn. */
PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                      char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strncmp(arg, "start=", 6)) {
            start_addr = strtoull(arg + 6, NULL, 0) & ~(uint64_t)1;
        } else if (!strncmp(arg, "stop=", 5)) {
            stop_addr = strtoull(arg + 5, NULL, 0) & ~(uint64_t)1;
        } else if (!strcmp(arg, "mode=insn")) {
            per_insn = 1;
        } else if (strcmp(arg, "mode=tb") != 0) {
            fprintf(stderr, "insncount: unknown argument '%s'\n", arg);
            return 1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return 0;
}

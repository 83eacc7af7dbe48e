/* tinymlir bench harness: QEMU TCG plugin counting the guest instructions executed between
 * two marker addresses (the entries of bench_start and bench_stop).
 *
 * Build: cc -shared -fPIC -O2 -o libinsncount.so insncount.c
 * Use:   qemu-system-arm ... -d plugin -D plugin.log \
 *            -plugin ./libinsncount.so,start=0xADDR,stop=0xADDR[,mode=insn]
 *            -plugin ./libinsncount.so,start=0xADDR,stop=0xADDR,layer=0xADDR,mode=profile
 * At exit it writes to the QEMU log (one key=value a line):
 *   insns_total=<whole run>  insns_region=<between the markers>  marker_hits=<start>,<stop>
 * and in mode=profile also layer_hits=<n> and, for every translation block executed in the
 * region, one line
 *   tb=<hits in segment 0>,<hits in segment 1>,...|<vaddr> <disassembly>|<vaddr> ...
 * where segment i is the part of the region after the i-th execution of the `layer` marker
 * (segment 0 starts at bench_start). Segments let the caller split the count by layer (the
 * library's TINYMLIR_LAYER_HOOK calls the marker after each layer); the disassembly lets
 * it weigh instructions by a cycle cost table.
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
 * inline-op API, so this file targets 7.2.
 *
 * Profiling. mode=profile registers a helper call per block (slower than mode=tb, still
 * exact): while the region is active it adds one hit to the block's counter of the current
 * segment. A block translated twice gets two records; the caller sums by address. */
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
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
void qemu_plugin_outs(const char *string);

#define PLUGIN_EXPORT __attribute__((visibility("default")))
PLUGIN_EXPORT int qemu_plugin_version = 1;
/* ---------------------------------------------------------------------------------------- */

static uint64_t start_addr = UINT64_MAX, stop_addr = UINT64_MAX, layer_addr = UINT64_MAX;
static int per_insn;                      /* mode=insn */
static int profile;                       /* mode=profile */
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

/* ---- mode=profile ----------------------------------------------------------------------- */
#define MAX_SEGMENTS 256
static int active;                        /* between the start and stop markers */
static size_t segment;                    /* layer markers seen since bench_start */
static uint64_t layer_hits;

struct block {                            /* one translation of a block */
    struct block *next;
    size_t n;
    uint64_t *vaddr;                      /* [n] */
    char **disas;                         /* [n] */
    uint64_t hits[MAX_SEGMENTS];
};
static struct block *blocks;

static void on_layer(unsigned int vcpu, void *udata)
{
    (void)vcpu, (void)udata;
    layer_hits++;
    if (active && segment + 1 < MAX_SEGMENTS)
        segment++;
}

static void on_block(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    if (active)
        ((struct block *)udata)->hits[segment]++;
}

static void on_profile_start(unsigned int vcpu, void *udata)
{
    on_start(vcpu, udata);
    active = 1;
    segment = 0;
}

static void on_profile_stop(unsigned int vcpu, void *udata)
{
    on_stop(vcpu, udata);
    active = 0;
}

static void profile_block(struct qemu_plugin_tb *tb, size_t n)
{
    struct block *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->n = n;
    b->vaddr = calloc(n, sizeof *b->vaddr);
    b->disas = calloc(n, sizeof *b->disas);
    if (!b->vaddr || !b->disas)
        abort();
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        b->vaddr[i] = qemu_plugin_insn_vaddr(insn);
        b->disas[i] = qemu_plugin_insn_disas(insn);
    }
    b->next = blocks;
    blocks = b;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void report_blocks(void)
{
    for (struct block *b = blocks; b; b = b->next) {
        size_t last = MAX_SEGMENTS;
        while (last > 0 && b->hits[last - 1] == 0)
            last--;
        if (last == 0)
            continue;
        /* one line: hits, then each instruction (the disassembly has no '|' or newline) */
        size_t size = 32 + 21 * last;
        for (size_t i = 0; i < b->n; i++)
            size += 24 + (b->disas[i] ? strlen(b->disas[i]) : 0);
        char *line = malloc(size);
        if (!line)
            abort();
        size_t at = (size_t)snprintf(line, size, "tb=");
        for (size_t s = 0; s < last; s++)
            at += (size_t)snprintf(line + at, size - at, s ? ",%" PRIu64 : "%" PRIu64, b->hits[s]);
        for (size_t i = 0; i < b->n; i++)
            at += (size_t)snprintf(line + at, size - at, "|%#" PRIx64 " %s", b->vaddr[i],
                                   b->disas[i] ? b->disas[i] : "?");
        snprintf(line + at, size - at, "\n");
        qemu_plugin_outs(line);
        free(line);
    }
}
/* ---------------------------------------------------------------------------------------- */

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    if (pc == start_addr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, profile ? on_profile_start : on_start,
                                             QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (pc == stop_addr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, profile ? on_profile_stop : on_stop,
                                             QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (profile && pc == layer_addr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_layer, QEMU_PLUGIN_CB_NO_REGS, NULL);
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (profile)
        profile_block(tb, n);
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
    if (profile) {
        snprintf(report, sizeof report, "layer_hits=%" PRIu64 "\n", layer_hits);
        qemu_plugin_outs(report);
        report_blocks();
    }
}

/* Arguments: start=0xADDR, stop=0xADDR, layer=0xADDR (Thumb bit ignored),
 * mode=tb|insn|profile. */
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
        } else if (!strncmp(arg, "layer=", 6)) {
            layer_addr = strtoull(arg + 6, NULL, 0) & ~(uint64_t)1;
        } else if (!strcmp(arg, "mode=insn")) {
            per_insn = 1;
        } else if (!strcmp(arg, "mode=profile")) {
            profile = 1;
        } else if (strcmp(arg, "mode=tb") != 0) {
            fprintf(stderr, "insncount: unknown argument '%s'\n", arg);
            return 1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
    return 0;
}

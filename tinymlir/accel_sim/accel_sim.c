/* accel_sim.c: host simulator of a DIANA-style digital accelerator (the HAL of accel_hal.h).
 *
 * Functional model: each launch computes its kernel at once on the simulated L1 memories,
 * bit-exactly with the target's requantiser (accel_hal.h, "Requantisation"); each DMA copies
 * at once. That shortcut is only sound for programs that wait before they use data, so the
 * simulator refuses the others: a launch whose operands overlap an L1 range an unwaited DMA
 * writes (or reads, for the output), and a DMA into (out of) L1 bytes a running launch
 * reads (writes), are ACCEL_E_HAZARD.
 *
 * Cycle model (accelerator clock; every parameter from accel_target.h):
 *   configuration write (accel_setup, and the launch register): ACCEL_CONFIG_CYCLES_PER_WRITE
 *     on the issuing timeline `now`;
 *   DMA: setup_cycles + ceil(bytes / bytes_per_cycle) on its engine, starting at
 *     max(now, engine free); a "blocking" engine returns at its end (now = end), an "async" one
 *     at once and accel_dma_wait moves now to its end;
 *   compute: starts at max(now, unit free), ends cycles later, accel_await moves now to its end;
 *     conv2d  ceil(OX / PE_OX) * ceil(K / PE_K) * OY * C * FY * FX   (16 OX x 16 K unrolled)
 *     depthwise ceil(OX / PE_OX) * ceil(K / PE_K) * OY * FY * FX      (one input channel per K)
 *     dense   ceil(N / PE_OX) * ceil(K / PE_K) * C                    (rows on the OX axis)
 *     add     ceil(OY * OX * K / (PE_OX * PE_K))                      (one element per PE)
 *   so DMA and compute overlap exactly when a DMA is started before the launch and waited on
 *   after it; with blocking engines (HTVM's DIANA) nothing overlaps.
 * A layer's `cycles` is the elapsed `now` from its accel_layer_begin to the next one's.
 */
#include "accel_hal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ACCEL_SIM_EXIT_ON_ERROR
#define ACCEL_SIM_EXIT_ON_ERROR 1
#endif
#ifndef ACCEL_SIM_EXIT_CODE
#define ACCEL_SIM_EXIT_CODE 3
#endif
#ifndef ACCEL_SIM_MAX_LAYERS
#define ACCEL_SIM_MAX_LAYERS 256
#endif
#ifndef ACCEL_SIM_MAX_TOKENS
#define ACCEL_SIM_MAX_TOKENS 256
#endif

/* -- state ------------------------------------------------------------------------------ */
static uint8_t l2[ACCEL_L2_SIZE];
static uint8_t l1_act[ACCEL_L1_ACT_SIZE];
static uint8_t l1_w[ACCEL_L1_W_SIZE];

typedef struct {
  const char *name;
  unsigned dims;
  uint32_t setup_cycles;
  uint32_t milli_bytes_per_cycle; /* bytes per cycle x 1000 */
  accel_memory source, destination;
  int blocking;
} accel_engine;

static const accel_engine engines[ACCEL_DMA_COUNT] = ACCEL_DMA_ENGINES;

typedef struct {
  accel_memory memory;
  uint64_t lo, hi; /* [lo, hi) bytes */
  int writes;
} l1_range;

enum { SLOT_FREE = 0, SLOT_DMA, SLOT_LAUNCH };
#define LAUNCH_RANGES 7
typedef struct {
  int kind;
  int done; /* a blocking DMA: complete on return, waiting on it only frees the slot */
  accel_token token;
  uint64_t finish;
  unsigned count;
  l1_range ranges[LAUNCH_RANGES];
} slot;

static slot slots[ACCEL_SIM_MAX_TOKENS];
static accel_token next_token;
static int32_t fields[ACCEL_FIELD_COUNT];
static uint64_t now, engine_free[ACCEL_DMA_COUNT], unit_free;
static accel_counters records[ACCEL_SIM_MAX_LAYERS];
static uint64_t layer_start;
static unsigned layers; /* records in use (the current one is layers - 1) */
static int last_error;

static const char *const op_names[] = {"conv2d", "depthwise", "dense", "add"};
static const char *const memory_names[] = {"host", "L2", "L1_ACT", "L1_W"};

/* -- errors ------------------------------------------------------------------------------ */
#if defined(__GNUC__)
static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
static int fail(int code, const char *fmt, ...) {
  char text[256];
  va_list args;
  va_start(args, fmt);
  vsnprintf(text, sizeof text, fmt, args);
  va_end(args);
  fprintf(stderr, "accel_sim: error: %s\n", text);
  last_error = code;
  if (ACCEL_SIM_EXIT_ON_ERROR) exit(ACCEL_SIM_EXIT_CODE);
  return code;
}

int accel_last_error(void) { return last_error; }

uint8_t *accel_memory_base(accel_memory memory) {
  switch (memory) {
    case ACCEL_MEM_L2: return l2;
    case ACCEL_MEM_L1_ACT: return l1_act;
    case ACCEL_MEM_L1_W: return l1_w;
    default: return NULL;
  }
}

uint32_t accel_memory_size(accel_memory memory) {
  switch (memory) {
    case ACCEL_MEM_L2: return ACCEL_L2_SIZE;
    case ACCEL_MEM_L1_ACT: return ACCEL_L1_ACT_SIZE;
    case ACCEL_MEM_L1_W: return ACCEL_L1_W_SIZE;
    default: return 0;
  }
}

/* -- counters ---------------------------------------------------------------------------- */
static accel_counters *current(void) {
  if (layers == 0) {
    records[0].name = "(none)";
    layers = 1;
  }
  return &records[layers - 1];
}

static void close_layer(void) {
  if (layers) records[layers - 1].cycles = now - layer_start;
}

int accel_layer_begin(const char *name) {
  if (layers >= ACCEL_SIM_MAX_LAYERS)
    return fail(ACCEL_E_CONFIG, "accel_layer_begin(%s): more than ACCEL_SIM_MAX_LAYERS (%d) layers",
                name, ACCEL_SIM_MAX_LAYERS);
  close_layer();
  memset(&records[layers], 0, sizeof records[layers]);
  records[layers].name = name;
  layers++;
  layer_start = now;
  return ACCEL_OK;
}

unsigned accel_layer_count(void) { return layers; }

int accel_counters_get(unsigned layer, accel_counters *out) {
  close_layer();
  if (layer >= layers) return ACCEL_E_CONFIG;
  *out = records[layer];
  return ACCEL_OK;
}

typedef unsigned long long ull; /* printf's %llu (no <inttypes.h>: newlib's breaks with gcc's stdint.h) */

static void print_row(const accel_counters *r) {
  printf("%-24s %10llu %10llu %10llu %8llu %12llu %6.1f %10llu\n", r->name, (ull)r->cycles, (ull)r->compute_cycles,
         (ull)r->dma_cycles, (ull)r->config_cycles, (ull)r->macs,
         r->pe_macs ? 100.0 * (double)r->macs / (double)r->pe_macs : 0.0, (ull)r->dma_bytes);
}

void accel_counters_print(void) {
  accel_counters total;
  unsigned i;
  close_layer();
  memset(&total, 0, sizeof total);
  printf("%-24s %10s %10s %10s %8s %12s %6s %10s\n", "layer", "cycles", "compute", "dma", "config",
         "macs", "util%", "dma_bytes");
  for (i = 0; i < layers; i++) {
    const accel_counters *r = &records[i];
    print_row(r);
    total.cycles += r->cycles;
    total.compute_cycles += r->compute_cycles;
    total.dma_cycles += r->dma_cycles;
    total.config_cycles += r->config_cycles;
    total.macs += r->macs;
    total.pe_macs += r->pe_macs;
    total.dma_bytes += r->dma_bytes;
  }
  total.name = "total";
  print_row(&total);
}

/* -- reset and configuration ------------------------------------------------------------- */
static void reset_fields(void) {
  memset(fields, 0, sizeof fields);
  fields[ACCEL_FIELD_STRIDE] = 1;
  fields[ACCEL_FIELD_MULT_ADDR] = (int32_t)-1;
  fields[ACCEL_FIELD_SHIFT_ADDR] = (int32_t)-1;
  fields[ACCEL_FIELD_SCALE_ADDR] = (int32_t)-1;
  fields[ACCEL_FIELD_SHIFT_WIDTH] = 1;
  fields[ACCEL_FIELD_CLAMP_LO] = -128;
  fields[ACCEL_FIELD_CLAMP_HI] = 127;
}

void accel_reset(void) {
  memset(l2, 0, sizeof l2);
  memset(l1_act, 0, sizeof l1_act);
  memset(l1_w, 0, sizeof l1_w);
  memset(slots, 0, sizeof slots);
  memset(records, 0, sizeof records);
  memset(engine_free, 0, sizeof engine_free);
  reset_fields();
  next_token = 0;
  now = unit_free = layer_start = 0;
  layers = 0;
  last_error = ACCEL_OK;
}

static void config_write(void) {
  accel_counters *r = current();
  now += ACCEL_CONFIG_CYCLES_PER_WRITE;
  r->config_cycles += ACCEL_CONFIG_CYCLES_PER_WRITE;
  r->config_writes++;
}

int accel_setup(accel_field field, int32_t value) {
  if ((unsigned)field >= ACCEL_FIELD_COUNT)
    return fail(ACCEL_E_CONFIG, "accel_setup: unknown field %u", (unsigned)field);
  fields[field] = value;
  config_write();
  return ACCEL_OK;
}

/* -- tokens and hazards ------------------------------------------------------------------ */
static slot *new_slot(int kind, uint64_t finish, int done) {
  unsigned i;
  slot *free_slot = NULL;
  for (i = 0; i < ACCEL_SIM_MAX_TOKENS && !free_slot; i++)
    if (slots[i].kind == SLOT_FREE) free_slot = &slots[i];
  for (i = 0; i < ACCEL_SIM_MAX_TOKENS && !free_slot; i++)
    if (slots[i].done) free_slot = &slots[i]; /* a finished blocking DMA nobody waited on */
  if (!free_slot) return NULL;
  memset(free_slot, 0, sizeof *free_slot);
  free_slot->kind = kind;
  free_slot->finish = finish;
  free_slot->done = done;
  free_slot->token = next_token++;
  return free_slot;
}

static slot *find_slot(accel_token token, int kind) {
  unsigned i;
  for (i = 0; i < ACCEL_SIM_MAX_TOKENS; i++)
    if (slots[i].kind == kind && slots[i].token == token) return &slots[i];
  return NULL;
}

static int ranges_clash(const l1_range *a, const l1_range *b) {
  return a->memory == b->memory && (a->writes || b->writes) && a->lo < b->hi && b->lo < a->hi;
}

/* The first unfinished slot of `kind` one of whose ranges clashes with one of `ranges`. */
static const slot *clash(int kind, const l1_range *ranges, unsigned count, const l1_range **with) {
  unsigned i, j, k;
  for (i = 0; i < ACCEL_SIM_MAX_TOKENS; i++) {
    const slot *s = &slots[i];
    if (s->kind != kind || s->done) continue;
    for (j = 0; j < s->count; j++)
      for (k = 0; k < count; k++)
        if (ranges_clash(&s->ranges[j], &ranges[k])) {
          *with = &ranges[k];
          return s;
        }
  }
  return NULL;
}

/* -- DMA --------------------------------------------------------------------------------- */
static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

static int is_l1(accel_memory m) { return m == ACCEL_MEM_L1_ACT || m == ACCEL_MEM_L1_W; }

int accel_dma_start(const accel_dma_desc *d, accel_token *token) {
  const accel_engine *e;
  accel_memory l1, ext;
  uint32_t count[3] = {1, 1, 1}, es[3] = {0, 0, 0}, ls[3] = {0, 0, 0};
  uint64_t ext_last, loc_last, bytes, cost, start;
  uint8_t *ext_base, *loc_base;
  int into_l1;
  unsigned i;
  l1_range range;
  const l1_range *unused;
  const slot *busy;
  slot *s;
  accel_counters *r;

  if (d == NULL || d->engine >= ACCEL_DMA_COUNT)
    return fail(ACCEL_E_CONFIG, "accel_dma_start: unknown engine %u (the target has %d)",
                d ? d->engine : 0u, ACCEL_DMA_COUNT);
  e = &engines[d->engine];
  if (d->dims < 1 || d->dims > e->dims)
    return fail(ACCEL_E_CONFIG, "accel_dma_start(%s): %u dimensions; the engine moves 1 to %u",
                e->name, d->dims, e->dims);
  for (i = 0; i < d->dims; i++) {
    if (d->count[i] == 0)
      return fail(ACCEL_E_CONFIG, "accel_dma_start(%s): count[%u] is 0", e->name, i);
    count[i] = d->count[i];
    es[i] = d->ext_stride[i];
    ls[i] = d->loc_stride[i];
  }
  into_l1 = is_l1(e->destination);
  l1 = into_l1 ? e->destination : e->source;
  ext = into_l1 ? e->source : e->destination;
  if (d->ext_host != NULL) ext = ACCEL_MEM_HOST;
  ext_last = (uint64_t)(count[2] - 1) * es[2] + (uint64_t)(count[1] - 1) * es[1] + count[0];
  loc_last = (uint64_t)(count[2] - 1) * ls[2] + (uint64_t)(count[1] - 1) * ls[1] + count[0];
  if ((uint64_t)d->loc_offset + loc_last > accel_memory_size(l1))
    return fail(ACCEL_E_BOUNDS,
                "accel_dma_start(%s): %s bytes [%lu, %lu) past the end of %s (%lu bytes)",
                e->name, memory_names[l1], (unsigned long)(d->loc_offset), (unsigned long)((uint64_t)d->loc_offset + loc_last),
                memory_names[l1], (unsigned long)(accel_memory_size(l1)));
  if (ext != ACCEL_MEM_HOST && (uint64_t)d->ext_offset + ext_last > accel_memory_size(ext))
    return fail(ACCEL_E_BOUNDS,
                "accel_dma_start(%s): %s bytes [%lu, %lu) past the end of %s (%lu bytes)",
                e->name, memory_names[ext], (unsigned long)(d->ext_offset), (unsigned long)((uint64_t)d->ext_offset + ext_last),
                memory_names[ext], (unsigned long)(accel_memory_size(ext)));
  range.memory = l1;
  range.lo = d->loc_offset;
  range.hi = (uint64_t)d->loc_offset + loc_last;
  range.writes = into_l1;
  busy = clash(SLOT_LAUNCH, &range, 1, &unused);
  if (busy)
    return fail(ACCEL_E_HAZARD,
                "accel_dma_start(%s): %s %s bytes [%lu, %lu) that launch %ld"
                " (not awaited) uses",
                e->name, into_l1 ? "writes" : "reads", memory_names[l1], (unsigned long)(range.lo), (unsigned long)(range.hi), (long)(busy->token));

  ext_base = ext == ACCEL_MEM_HOST ? (uint8_t *)d->ext_host : accel_memory_base(ext) + d->ext_offset;
  loc_base = accel_memory_base(l1) + d->loc_offset;
  {
    uint32_t i1, i2;
    for (i2 = 0; i2 < count[2]; i2++)
      for (i1 = 0; i1 < count[1]; i1++) {
        uint8_t *x = ext_base + (size_t)i2 * es[2] + (size_t)i1 * es[1];
        uint8_t *l = loc_base + (size_t)i2 * ls[2] + (size_t)i1 * ls[1];
        if (into_l1) memmove(l, x, count[0]);
        else memmove(x, l, count[0]);
      }
  }

  bytes = (uint64_t)count[0] * count[1] * count[2];
  cost = e->setup_cycles + ceil_div(bytes * 1000u, e->milli_bytes_per_cycle);
  start = now > engine_free[d->engine] ? now : engine_free[d->engine];
  engine_free[d->engine] = start + cost;
  if (e->blocking) now = start + cost;
  s = new_slot(SLOT_DMA, start + cost, e->blocking);
  if (!s)
    return fail(ACCEL_E_TOKEN, "accel_dma_start(%s): more than %d transfers outstanding", e->name,
                ACCEL_SIM_MAX_TOKENS);
  s->count = 1;
  s->ranges[0] = range;
  r = current();
  r->dma_cycles += cost;
  r->dma_bytes += bytes;
  r->dma_transfers++;
  if (token) *token = s->token;
  return ACCEL_OK;
}

static void finish(slot *s) {
  if (s->finish > now) now = s->finish;
  s->kind = SLOT_FREE;
}

int accel_dma_wait(accel_token token) {
  slot *s = find_slot(token, SLOT_DMA);
  if (!s) return fail(ACCEL_E_TOKEN, "accel_dma_wait: token %ld is not an outstanding DMA", (long)(token));
  finish(s);
  return ACCEL_OK;
}

int accel_dma_wait_all(void) {
  unsigned i;
  for (i = 0; i < ACCEL_SIM_MAX_TOKENS; i++)
    if (slots[i].kind == SLOT_DMA) finish(&slots[i]);
  return ACCEL_OK;
}

/* -- arithmetic (TFLM's gemmlowp primitives, int64 inside, no signed overflow or shifts of
 *    negative values) ------------------------------------------------------------------ */
static int32_t wrap32(int64_t v) {
  uint32_t u = (uint32_t)(uint64_t)v;
  return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) - INT32_MAX - 1 : (int32_t)u;
}

static int64_t floor_shift(int64_t x, unsigned e) { return x >= 0 ? x >> e : -((-x - 1) >> e) - 1; }

#if ACCEL_REQUANT != ACCEL_REQUANT_SHIFT /* the per-channel requantiser's arithmetic */
static int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  int64_t ab, num;
  if (a == b && a == INT32_MIN) return INT32_MAX;
  ab = (int64_t)a * b;
  num = ab + (ab >= 0 ? (int64_t)1 << 30 : 1 - ((int64_t)1 << 30));
  return (int32_t)(num >= 0 ? num >> 31 : -((-num) >> 31)); /* truncating division by 2^31 */
}

static int32_t rounding_divide_by_pot(int32_t x, unsigned e) {
  int64_t q = floor_shift(x, e), mask = ((int64_t)1 << e) - 1;
  int64_t remainder = (int64_t)x - q * ((int64_t)1 << e);
  int64_t threshold = (mask >> 1) + (x < 0);
  return (int32_t)(q + (remainder > threshold));
}

static int32_t multiply_by_quantized_multiplier(int32_t x, int32_t m, int s) {
  int32_t shifted = wrap32((int64_t)x * ((int64_t)1 << (s > 0 ? s : 0)));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, m), (unsigned)(s > 0 ? 0 : -s));
}

static int32_t mbqm_smaller_than_one(int32_t x, int32_t m, int s) {
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m), (unsigned)-s);
}

static float f32_of_bits(int32_t bits) {
  float f;
  uint32_t u = (uint32_t)bits;
  memcpy(&f, &u, sizeof f);
  return f;
}

static int finite_bits(int32_t bits) { return (((uint32_t)bits >> 23) & 0xFFu) != 0xFFu; }

/* rint (half to even) of a float within int32 range, without libm: v - trunc(v) is exact. */
static int32_t round_half_even(float v) {
  int32_t i = (int32_t)v;
  float rest = v - (float)i;
  int odd = i % 2 != 0;
  if (rest > 0.5f || (rest == 0.5f && odd)) i += 1;
  else if (rest < -0.5f || (rest == -0.5f && odd)) i -= 1;
  return i;
}

/* rint(min(max(v, lo - zp), hi - zp)) + zp (tinymlir/onnx_numerics.py clamp_round) */
static int32_t clamp_round(float v, int32_t zp, int32_t lo, int32_t hi) {
  float low = (float)(lo - zp), high = (float)(hi - zp);
  if (v < low) v = low;
  if (v > high) v = high;
  return round_half_even(v) + zp;
}

#endif

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static int32_t load_i32(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* -- launch ------------------------------------------------------------------------------ */
typedef struct {
  int32_t c, k, iy, ix, fy, fx, oy, ox, stride, pt, pb, pl, pr;
  const int8_t *in, *in2, *w;
  int8_t *out;
  const uint8_t *bias, *mult, *shift, *scale;
  int shift_width;
} kernel;

static int8_t requantise(const kernel *p, int32_t acc, int32_t k) {
  int32_t zp = fields[ACCEL_FIELD_OUT_ZP], lo = fields[ACCEL_FIELD_CLAMP_LO], hi = fields[ACCEL_FIELD_CLAMP_HI];
#if ACCEL_REQUANT == ACCEL_REQUANT_SHIFT
  (void)k;
  (void)zp;
  (void)p;
  return (int8_t)clamp(wrap32(floor_shift(acc, (unsigned)fields[ACCEL_FIELD_OUT_SHIFT])), lo, hi);
#else
  if (fields[ACCEL_FIELD_NUMERICS] == ACCEL_NUMERICS_ONNX) {
    float scale = p->scale ? f32_of_bits(load_i32(p->scale + 4 * k)) : f32_of_bits(fields[ACCEL_FIELD_SCALE]);
    return (int8_t)clamp_round((float)acc * scale, zp, lo, hi);
  } else {
    int32_t m = p->mult ? load_i32(p->mult + 4 * k) : fields[ACCEL_FIELD_MULT];
    int32_t s = !p->shift ? fields[ACCEL_FIELD_SHIFT]
                : p->shift_width == 4 ? load_i32(p->shift + 4 * k) : (int32_t)(int8_t)p->shift[k];
    return (int8_t)clamp(wrap32((int64_t)multiply_by_quantized_multiplier(acc, m, (int)s) + zp), lo, hi);
  }
#endif
}

static void run_conv(const kernel *p, int depthwise) {
  int32_t oy, ox, k, fy, fx, c;
  for (oy = 0; oy < p->oy; oy++)
    for (ox = 0; ox < p->ox; ox++)
      for (k = 0; k < p->k; k++) {
        uint32_t acc = (uint32_t)load_i32(p->bias + 4 * k); /* wraps like TFLM's int32 */
        for (fy = 0; fy < p->fy; fy++)
          for (fx = 0; fx < p->fx; fx++) {
            int32_t iy = oy * p->stride - p->pt + fy, ix = ox * p->stride - p->pl + fx;
            int inside = iy >= 0 && iy < p->iy && ix >= 0 && ix < p->ix;
            const int8_t *x = inside ? p->in + ((size_t)iy * p->ix + ix) * p->c : p->in; /* no pointer outside */
            int32_t pad = (int8_t)fields[ACCEL_FIELD_PAD_VALUE];
            if (depthwise) {
              int32_t w = p->w[((size_t)k * p->fy + fy) * p->fx + fx];
              acc += (uint32_t)((inside ? x[k] : pad) * w);
            } else {
              const int8_t *w = p->w + (((size_t)k * p->fy + fy) * p->fx + fx) * p->c;
              for (c = 0; c < p->c; c++) acc += (uint32_t)((inside ? x[c] : pad) * w[c]);
            }
          }
        p->out[((size_t)oy * p->ox + ox) * p->k + k] = requantise(p, wrap32(acc), k);
      }
}

static void run_dense(const kernel *p) {
  int32_t n, k, c;
  for (n = 0; n < p->ox; n++)
    for (k = 0; k < p->k; k++) {
      uint32_t acc = (uint32_t)load_i32(p->bias + 4 * k);
      for (c = 0; c < p->c; c++) acc += (uint32_t)(p->in[(size_t)n * p->c + c] * p->w[(size_t)k * p->c + c]);
      p->out[(size_t)n * p->k + k] = requantise(p, wrap32(acc), k);
    }
}

static void run_add(const kernel *p, size_t count) {
  int32_t zp = fields[ACCEL_FIELD_OUT_ZP], lo = fields[ACCEL_FIELD_CLAMP_LO], hi = fields[ACCEL_FIELD_CLAMP_HI];
  size_t i;
  for (i = 0; i < count; i++) {
    int32_t a = p->in[i], b = p->in2[i], y;
#if ACCEL_REQUANT == ACCEL_REQUANT_SHIFT
    (void)zp;
    y = (int32_t)floor_shift((int64_t)a + b, (unsigned)fields[ACCEL_FIELD_OUT_SHIFT]);
#else
    if (fields[ACCEL_FIELD_NUMERICS] == ACCEL_NUMERICS_ONNX) {
      float da = (float)(a + fields[ACCEL_FIELD_ADD_IN1_OFFSET]) * f32_of_bits(fields[ACCEL_FIELD_ADD_IN1_SCALE]);
      float db = (float)(b + fields[ACCEL_FIELD_ADD_IN2_OFFSET]) * f32_of_bits(fields[ACCEL_FIELD_ADD_IN2_SCALE]);
      float total = da + db;
      y = clamp_round(total / f32_of_bits(fields[ACCEL_FIELD_ADD_OUT_SCALE]), zp, lo, hi);
    } else {
      int32_t ls = fields[ACCEL_FIELD_ADD_LEFT_SHIFT];
      int32_t s1 = wrap32((int64_t)(a + fields[ACCEL_FIELD_ADD_IN1_OFFSET]) * ((int64_t)1 << ls));
      int32_t s2 = wrap32((int64_t)(b + fields[ACCEL_FIELD_ADD_IN2_OFFSET]) * ((int64_t)1 << ls));
      int32_t x1 = mbqm_smaller_than_one(s1, fields[ACCEL_FIELD_ADD_IN1_MULT], fields[ACCEL_FIELD_ADD_IN1_SHIFT]);
      int32_t x2 = mbqm_smaller_than_one(s2, fields[ACCEL_FIELD_ADD_IN2_MULT], fields[ACCEL_FIELD_ADD_IN2_SHIFT]);
      int32_t sum = wrap32((int64_t)x1 + x2);
      y = wrap32((int64_t)mbqm_smaller_than_one(sum, fields[ACCEL_FIELD_ADD_OUT_MULT], fields[ACCEL_FIELD_ADD_OUT_SHIFT]) + zp);
    }
#endif
    p->out[i] = (int8_t)clamp(y, lo, hi);
  }
}

/* An operand [addr, addr + bytes) of memory `m`: in bounds, recorded for the hazard checks. */
static int operand(const char *op, const char *role, accel_memory m, int32_t addr_field, uint64_t bytes,
                   int writes, l1_range *ranges, unsigned *count, const uint8_t **base) {
  uint32_t addr = (uint32_t)fields[addr_field];
  if ((uint64_t)addr + bytes > accel_memory_size(m))
    return fail(ACCEL_E_BOUNDS,
                "accel_launch(%s): %s [%lu, %lu) past the end of %s (%lu bytes)", op, role,
                (unsigned long)(addr), (unsigned long)((uint64_t)addr + bytes), memory_names[m], (unsigned long)(accel_memory_size(m)));
  ranges[*count].memory = m;
  ranges[*count].lo = addr;
  ranges[*count].hi = (uint64_t)addr + bytes;
  ranges[*count].writes = writes;
  (*count)++;
  *base = accel_memory_base(m) + addr;
  return ACCEL_OK;
}

#if ACCEL_REQUANT != ACCEL_REQUANT_SHIFT /* the per-channel requantiser's tables */
static int table(const char *op, const char *role, int32_t addr_field, uint64_t bytes, l1_range *ranges,
                 unsigned *count, const uint8_t **base) {
  *base = NULL;
  if ((uint32_t)fields[addr_field] == ACCEL_NO_TABLE) return ACCEL_OK;
  return operand(op, role, ACCEL_MEM_L1_W, addr_field, bytes, 0, ranges, count, base);
}

#endif

static int check_geometry(const char *op, kernel *p, int depthwise) {
  uint32_t flags = (uint32_t)fields[ACCEL_FIELD_PAD_FLAGS];
  int32_t pad_y = fields[ACCEL_FIELD_PAD_Y], pad_x = fields[ACCEL_FIELD_PAD_X], ey, ex;
  if (p->fy < 1 || p->fy > 31 || !((ACCEL_KERNEL_SIZES >> p->fy) & 1u) || p->fx < 1 || p->fx > 31 ||
      !((ACCEL_KERNEL_SIZES >> p->fx) & 1u))
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): kernel %ldx%ld is not one the unit takes", op,
                (long)(p->fy), (long)(p->fx));
  if (p->stride < 1 || p->stride > 31 || !((ACCEL_STRIDES >> p->stride) & 1u))
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): stride %ld is not one the unit takes", op, (long)(p->stride));
  if (pad_y < 0 || pad_y >= p->fy || pad_x < 0 || pad_x >= p->fx || flags > 15u)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): pads %ld, %ld (flags %lu) for kernel %ldx%ld", op, (long)(pad_y), (long)(pad_x), (unsigned long)(flags), (long)(p->fy), (long)(p->fx));
  p->pt = flags & ACCEL_PAD_TOP ? pad_y : 0;
  p->pb = flags & ACCEL_PAD_BOTTOM ? pad_y : 0;
  p->pl = flags & ACCEL_PAD_LEFT ? pad_x : 0;
  p->pr = flags & ACCEL_PAD_RIGHT ? pad_x : 0;
  ey = p->iy + p->pt + p->pb - p->fy;
  ex = p->ix + p->pl + p->pr - p->fx;
  if (ey < 0 || ex < 0 || ey / p->stride + 1 != p->oy || ex / p->stride + 1 != p->ox)
    return fail(ACCEL_E_CONFIG,
                "accel_launch(%s): a %ldx%ld input (pads %ld,%ld,%ld,%ld"
                "), kernel %ldx%ld, stride %ld does not make a %ldx%ld output",
                op, (long)(p->iy), (long)(p->ix), (long)(p->pt), (long)(p->pb), (long)(p->pl), (long)(p->pr), (long)(p->fy), (long)(p->fx), (long)(p->stride), (long)(p->oy), (long)(p->ox));
  if (depthwise && p->c != p->k)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): C %ld != K %ld", op, (long)(p->c), (long)(p->k));
  return ACCEL_OK;
}

static int check_requantiser(const char *op, const kernel *p) {
  int32_t lo = fields[ACCEL_FIELD_CLAMP_LO], hi = fields[ACCEL_FIELD_CLAMP_HI], k;
  if (lo < -128 || hi > 127 || lo > hi)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): clamp [%ld, %ld] is not within int8", op, (long)(lo), (long)(hi));
#if ACCEL_REQUANT == ACCEL_REQUANT_SHIFT
  (void)p;
  (void)k;
  if (fields[ACCEL_FIELD_OUT_SHIFT] < 0 || fields[ACCEL_FIELD_OUT_SHIFT] > 31)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): output shift %ld is not in 0..31", op,
                (long)(fields[ACCEL_FIELD_OUT_SHIFT]));
  if (!(hi == 127 && (lo == -128 || lo == 0)))
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): clamp [%ld, %ld]; the unit clips to [-128, 127] or [0, 127]",
                op, (long)(lo), (long)(hi));
#else
  if (fields[ACCEL_FIELD_NUMERICS] != ACCEL_NUMERICS_TFLM && fields[ACCEL_FIELD_NUMERICS] != ACCEL_NUMERICS_ONNX)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): numerics %ld is neither tflm (0) nor onnx (1)", op,
                (long)(fields[ACCEL_FIELD_NUMERICS]));
  if (p == NULL) { /* add */
    if (fields[ACCEL_FIELD_NUMERICS] == ACCEL_NUMERICS_ONNX) {
      if (!finite_bits(fields[ACCEL_FIELD_ADD_IN1_SCALE]) || !finite_bits(fields[ACCEL_FIELD_ADD_IN2_SCALE]) ||
          !finite_bits(fields[ACCEL_FIELD_ADD_OUT_SCALE]))
        return fail(ACCEL_E_CONFIG, "accel_launch(%s): a scale is not finite", op);
    } else {
      int32_t ls = fields[ACCEL_FIELD_ADD_LEFT_SHIFT];
      if (ls < 0 || ls > 30 || fields[ACCEL_FIELD_ADD_IN1_SHIFT] > 0 || fields[ACCEL_FIELD_ADD_IN1_SHIFT] < -31 ||
          fields[ACCEL_FIELD_ADD_IN2_SHIFT] > 0 || fields[ACCEL_FIELD_ADD_IN2_SHIFT] < -31 ||
          fields[ACCEL_FIELD_ADD_OUT_SHIFT] > 0 || fields[ACCEL_FIELD_ADD_OUT_SHIFT] < -31)
        return fail(ACCEL_E_CONFIG, "accel_launch(%s): add shifts out of range (left 0..30, others -31..0)", op);
    }
    return ACCEL_OK;
  }
  for (k = 0; k < p->k; k++) {
    if (fields[ACCEL_FIELD_NUMERICS] == ACCEL_NUMERICS_ONNX) {
      int32_t bits = p->scale ? load_i32(p->scale + 4 * k) : fields[ACCEL_FIELD_SCALE];
      if (!finite_bits(bits))
        return fail(ACCEL_E_CONFIG, "accel_launch(%s): channel %ld's scale is not finite", op, (long)(k));
    } else {
      int32_t s = !p->shift ? fields[ACCEL_FIELD_SHIFT]
                  : p->shift_width == 4 ? load_i32(p->shift + 4 * k) : (int32_t)(int8_t)p->shift[k];
      if (s < -31 || s > 30)
        return fail(ACCEL_E_CONFIG, "accel_launch(%s): channel %ld's shift %ld is not in -31..30", op,
                    (long)(k), (long)(s));
    }
  }
#endif
  return ACCEL_OK;
}

static int overlapping(const l1_range *a, const l1_range *b) { return a->lo < b->hi && b->lo < a->hi; }

int accel_launch(accel_op op, accel_token *token) {
  kernel p;
  l1_range ranges[LAUNCH_RANGES];
  unsigned count = 0, i;
  uint64_t cycles, macs, start, elements = 0;
  const uint8_t *base;
  const l1_range *with;
  const slot *busy;
  const char *name;
  slot *s;
  accel_counters *r;
  int status, depthwise = op == ACCEL_OP_DEPTHWISE;

  if ((unsigned)op > ACCEL_OP_ADD) return fail(ACCEL_E_CONFIG, "accel_launch: unknown op %u", (unsigned)op);
  name = op_names[op];
  if (!((ACCEL_OPS >> op) & 1u)) return fail(ACCEL_E_CONFIG, "accel_launch(%s): the target's unit does not run it", name);
  memset(&p, 0, sizeof p);
  p.c = fields[ACCEL_FIELD_C];
  p.k = fields[ACCEL_FIELD_K];
  p.iy = fields[ACCEL_FIELD_IY];
  p.ix = fields[ACCEL_FIELD_IX];
  p.fy = fields[ACCEL_FIELD_FY];
  p.fx = fields[ACCEL_FIELD_FX];
  p.oy = fields[ACCEL_FIELD_OY];
  p.ox = fields[ACCEL_FIELD_OX];
  p.stride = fields[ACCEL_FIELD_STRIDE];
  p.shift_width = fields[ACCEL_FIELD_SHIFT_WIDTH];
  if (op == ACCEL_OP_DENSE) {
    p.oy = p.iy = p.ix = p.fy = p.fx = 1;
    p.stride = 1;
  }
  if (op == ACCEL_OP_ADD) p.c = p.k;
  if (p.c < 1 || p.k < 1 || p.oy < 1 || p.ox < 1 || (op != ACCEL_OP_ADD && (p.iy < 1 || p.ix < 1)))
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): empty geometry (C %ld, K %ld, IY %ld"
                ", IX %ld, OY %ld, OX %ld)", name, (long)(p.c), (long)(p.k), (long)(p.iy), (long)(p.ix), (long)(p.oy), (long)(p.ox));
  if (p.shift_width != 1 && p.shift_width != 4)
    return fail(ACCEL_E_CONFIG, "accel_launch(%s): shift table width %d is neither 1 nor 4", name, p.shift_width);

  if (op == ACCEL_OP_CONV2D || op == ACCEL_OP_DEPTHWISE)
    if ((status = check_geometry(name, &p, depthwise)) != ACCEL_OK) return status;

  if (op == ACCEL_OP_ADD) {
    elements = (uint64_t)p.oy * p.ox * p.k;
    if ((status = operand(name, "input", ACCEL_MEM_L1_ACT, ACCEL_FIELD_IN_ADDR, elements, 0, ranges, &count, &base)))
      return status;
    p.in = (const int8_t *)base;
    if ((status = operand(name, "second input", ACCEL_MEM_L1_ACT, ACCEL_FIELD_IN2_ADDR, elements, 0, ranges, &count,
                          &base)))
      return status;
    p.in2 = (const int8_t *)base;
    if ((status = check_requantiser(name, NULL))) return status;
  } else {
    uint64_t in_bytes = (uint64_t)p.iy * p.ix * p.c;
    uint64_t w_bytes = (uint64_t)p.k * p.fy * p.fx * (depthwise ? 1 : p.c);
    if (op == ACCEL_OP_DENSE) in_bytes = (uint64_t)p.ox * p.c;
    if ((status = operand(name, "input", ACCEL_MEM_L1_ACT, ACCEL_FIELD_IN_ADDR, in_bytes, 0, ranges, &count, &base)))
      return status;
    p.in = (const int8_t *)base;
    if ((status = operand(name, "weights", ACCEL_MEM_L1_W, ACCEL_FIELD_W_ADDR, w_bytes, 0, ranges, &count, &base)))
      return status;
    p.w = (const int8_t *)base;
    if ((status = operand(name, "bias", ACCEL_MEM_L1_W, ACCEL_FIELD_BIAS_ADDR, 4u * (uint64_t)p.k, 0, ranges, &count,
                          &p.bias)))
      return status;
#if ACCEL_REQUANT != ACCEL_REQUANT_SHIFT
    if (fields[ACCEL_FIELD_NUMERICS] == ACCEL_NUMERICS_ONNX) {
      if ((status = table(name, "scale table", ACCEL_FIELD_SCALE_ADDR, 4u * (uint64_t)p.k, ranges, &count, &p.scale)))
        return status;
    } else {
      if ((status = table(name, "multiplier table", ACCEL_FIELD_MULT_ADDR, 4u * (uint64_t)p.k, ranges, &count,
                          &p.mult)))
        return status;
      if ((status = table(name, "shift table", ACCEL_FIELD_SHIFT_ADDR, (uint64_t)p.shift_width * p.k, ranges, &count,
                          &p.shift)))
        return status;
    }
#endif
    if ((status = check_requantiser(name, &p))) return status;
  }
  {
    uint64_t out_bytes = op == ACCEL_OP_ADD ? elements : (uint64_t)p.oy * p.ox * p.k;
    unsigned inputs = op == ACCEL_OP_ADD ? 2u : 1u;
    if ((status = operand(name, "output", ACCEL_MEM_L1_ACT, ACCEL_FIELD_OUT_ADDR, out_bytes, 1, ranges, &count, &base)))
      return status;
    p.out = (int8_t *)(uintptr_t)base;
    for (i = 0; i < inputs; i++) {
      const l1_range *in = &ranges[i], *out = &ranges[count - 1];
      int in_place = op == ACCEL_OP_ADD && in->lo == out->lo; /* elementwise: each element read first */
      if (overlapping(in, out) && !in_place)
        return fail(ACCEL_E_OVERLAP,
                    "accel_launch(%s): output [%lu, %lu) overlaps %s [%lu, %lu) in L1_ACT",
                    name, (unsigned long)(out->lo), (unsigned long)(out->hi), i ? "the second input" : "the input", (unsigned long)(in->lo), (unsigned long)(in->hi));
    }
  }
  busy = clash(SLOT_DMA, ranges, count, &with);
  if (busy)
    return fail(ACCEL_E_HAZARD,
                "accel_launch(%s): %s bytes [%lu, %lu) are moved by DMA %ld, not waited on",
                name, memory_names[with->memory], (unsigned long)(with->lo), (unsigned long)(with->hi), (long)(busy->token));

  switch (op) {
    case ACCEL_OP_CONV2D:
      cycles = ceil_div((uint64_t)p.ox, ACCEL_PE_OX) * ceil_div((uint64_t)p.k, ACCEL_PE_K) * p.oy * p.c * p.fy * p.fx;
      macs = (uint64_t)p.oy * p.ox * p.k * p.c * p.fy * p.fx;
      run_conv(&p, 0);
      break;
    case ACCEL_OP_DEPTHWISE:
      cycles = ceil_div((uint64_t)p.ox, ACCEL_PE_OX) * ceil_div((uint64_t)p.k, ACCEL_PE_K) * p.oy * p.fy * p.fx;
      macs = (uint64_t)p.oy * p.ox * p.k * p.fy * p.fx;
      run_conv(&p, 1);
      break;
    case ACCEL_OP_DENSE:
      cycles = ceil_div((uint64_t)p.ox, ACCEL_PE_OX) * ceil_div((uint64_t)p.k, ACCEL_PE_K) * p.c;
      macs = (uint64_t)p.ox * p.k * p.c;
      run_dense(&p);
      break;
    default:
      cycles = ceil_div(elements, (uint64_t)ACCEL_PE_OX * ACCEL_PE_K);
      macs = 0;
      run_add(&p, (size_t)elements);
      break;
  }

  config_write(); /* the launch register */
  start = now > unit_free ? now : unit_free;
  unit_free = start + cycles;
  s = new_slot(SLOT_LAUNCH, start + cycles, 0);
  if (!s) return fail(ACCEL_E_TOKEN, "accel_launch(%s): more than %d tokens outstanding", name, ACCEL_SIM_MAX_TOKENS);
  s->count = count;
  memcpy(s->ranges, ranges, count * sizeof ranges[0]);
  r = current();
  r->compute_cycles += cycles;
  r->macs += macs;
  r->pe_macs += macs ? cycles * ACCEL_PE_OX * ACCEL_PE_K : 0;
  r->launches++;
  if (token) *token = s->token;
  return ACCEL_OK;
}

int accel_await(accel_token token) {
  slot *s = find_slot(token, SLOT_LAUNCH);
  if (!s) return fail(ACCEL_E_TOKEN, "accel_await: token %ld is not a running launch", (long)(token));
  finish(s);
  return ACCEL_OK;
}

/* accel_hal.h: the HAL of a DIANA-style digital accelerator, as tinymlir's generated C calls it.
 *
 * Implemented on the host by accel_sim.c (a functional, bit-exact and cycle model); a board
 * port implements the same functions over the chip's registers and DMA. The target's facts
 * (memory sizes, DMA engines, PE array, requantiser, accepted kernels) come as macros from
 * accel_target.h, which tinymlir writes from the target description
 * (tinymlir.accel_sim.target_header).
 *
 * Protocol (snax-mlir's accfg: setup, launch, await; DORY's DMA descriptors):
 *   accel_dma_start(&d, &t); ... accel_dma_wait(t);   move a 1-3-D strided block between the
 *                                                       external side (host memory or L2) and
 *                                                       an L1 memory, by one of the target's engines
 *   accel_setup(ACCEL_FIELD_K, 16); ...                 configuration register writes; a field
 *                                                       keeps its value until written again
 *   accel_launch(ACCEL_OP_CONV2D, &t); accel_await(t);  run one kernel on L1 operands
 * Every call returns ACCEL_OK (0) or an ACCEL_E_* code; the simulator prints one line naming
 * the call and the fault, and (unless built with -DACCEL_SIM_EXIT_ON_ERROR=0) exits with
 * ACCEL_SIM_EXIT_CODE. A fault is never undefined behaviour: every DMA and every kernel
 * operand is checked against its memory's size.
 *
 * Data layouts in L1 (dense, the DMA gathers them): tinymlir's qk layouts, i.e.
 *   conv2d input [IY][IX][C], weights [K][FY][FX][C] (depthwise: [K][FY][FX][1], C == K),
 *   output [OY][OX][K]; dense input [N][C] (N = OX), weights [K][C], output [N][K];
 *   add: OY*OX*K elements of each operand; bias int32 [K]; requantiser tables [K].
 * (The real DIANA keeps NCHW / OIHW; its DMA converts HWC to CHW. That is the lowering's
 * concern, not the arithmetic's.) Addresses of L1 and L2 buffers are byte offsets from the
 * start of that memory.
 */
#ifndef ACCEL_HAL_H
#define ACCEL_HAL_H

#include <stdint.h>

#include "accel_target.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
enum {
  ACCEL_OK = 0,
  ACCEL_E_BOUNDS = 1,    /* a DMA or a kernel operand outside its memory */
  ACCEL_E_CONFIG = 2,    /* a field or geometry the unit does not accept */
  ACCEL_E_TOKEN = 3,     /* waiting on a token that is not outstanding */
  ACCEL_E_HAZARD = 4,    /* a launch reads or writes L1 bytes an unwaited DMA still moves */
  ACCEL_E_OVERLAP = 5    /* a kernel's output overlaps one of its inputs */
};

/* Memories. ACCEL_MEM_HOST: the generated program's own arrays (not bounds-checked here). */
typedef enum { ACCEL_MEM_HOST = 0, ACCEL_MEM_L2 = 1, ACCEL_MEM_L1_ACT = 2, ACCEL_MEM_L1_W = 3 } accel_memory;

/* A DMA descriptor. The engine fixes the direction and the L1 memory: an engine whose
 * destination is an L1 memory copies ext -> loc, one whose source is copies loc -> ext.
 * Element (i2, i1, i0) of the block, i0 < count[0] bytes contiguous on both sides, is at
 *   ext + i2 * ext_stride[2] + i1 * ext_stride[1] + i0, and likewise loc with loc_stride.
 * Unused dimensions: count 1 (strides ignored). dims: 1..ACCEL_DMA_<engine>_DIMS. */
typedef struct {
  unsigned engine;          /* ACCEL_DMA_<NAME> (accel_target.h) */
  void *ext_host;           /* external side in host memory, or NULL: ext_offset into L2 */
  uint32_t ext_offset;      /* L2 byte offset (when ext_host is NULL) */
  uint32_t loc_offset;      /* byte offset in the engine's L1 memory */
  unsigned dims;
  uint32_t count[3];
  uint32_t ext_stride[3];
  uint32_t loc_stride[3];
} accel_dma_desc;

typedef int32_t accel_token;  /* >= 0 when valid */

/* Kernels a launch runs. */
typedef enum { ACCEL_OP_CONV2D = 0, ACCEL_OP_DEPTHWISE = 1, ACCEL_OP_DENSE = 2, ACCEL_OP_ADD = 3 } accel_op;

/* Configuration fields (one register each). Geometry of the tile: */
typedef enum {
  ACCEL_FIELD_C = 0,          /* input channels (dense: input features) */
  ACCEL_FIELD_K,              /* output channels (dense: units) */
  ACCEL_FIELD_IY, ACCEL_FIELD_IX,   /* input tile height, width */
  ACCEL_FIELD_FY, ACCEL_FIELD_FX,   /* kernel height, width (1, 3, 5, 7) */
  ACCEL_FIELD_OY, ACCEL_FIELD_OX,   /* output tile height, width (dense: OY 1, OX = N rows) */
  ACCEL_FIELD_STRIDE,         /* 1 or 2, both dimensions */
  ACCEL_FIELD_PAD_Y, ACCEL_FIELD_PAD_X,  /* the layer's symmetric pads */
  ACCEL_FIELD_PAD_FLAGS,      /* which sides of this tile are padded: ACCEL_PAD_TOP | ... */
  ACCEL_FIELD_PAD_VALUE,      /* the int8 value a padding tap reads */
  /* operands: byte offsets; input, second input (add) and output in L1_ACT, the rest in L1_W */
  ACCEL_FIELD_IN_ADDR, ACCEL_FIELD_IN2_ADDR, ACCEL_FIELD_OUT_ADDR,
  ACCEL_FIELD_W_ADDR, ACCEL_FIELD_BIAS_ADDR,
  /* output stage (see "Requantisation" below) */
  ACCEL_FIELD_NUMERICS,       /* ACCEL_NUMERICS_TFLM or _ONNX (per-channel requantiser only) */
  ACCEL_FIELD_MULT, ACCEL_FIELD_MULT_ADDR,     /* tflm: int32 multiplier, or a table [K] */
  ACCEL_FIELD_SHIFT, ACCEL_FIELD_SHIFT_ADDR,   /* tflm: shift, or a table [K] of SHIFT_WIDTH bytes */
  ACCEL_FIELD_SHIFT_WIDTH,    /* 1 (int8 table, the default) or 4 (int32 table) */
  ACCEL_FIELD_SCALE, ACCEL_FIELD_SCALE_ADDR,   /* onnx: float32 bits, or a float32 table [K] */
  ACCEL_FIELD_OUT_ZP, ACCEL_FIELD_CLAMP_LO, ACCEL_FIELD_CLAMP_HI,
  ACCEL_FIELD_OUT_SHIFT,      /* shift requantiser: right shift 0..31 (also the add's) */
  /* add, tflm: TFLM's add parameters (add_common.cc); onnx: offsets -za, -zb and scales */
  ACCEL_FIELD_ADD_LEFT_SHIFT,
  ACCEL_FIELD_ADD_IN1_OFFSET, ACCEL_FIELD_ADD_IN1_MULT, ACCEL_FIELD_ADD_IN1_SHIFT,
  ACCEL_FIELD_ADD_IN2_OFFSET, ACCEL_FIELD_ADD_IN2_MULT, ACCEL_FIELD_ADD_IN2_SHIFT,
  ACCEL_FIELD_ADD_OUT_MULT, ACCEL_FIELD_ADD_OUT_SHIFT,
  ACCEL_FIELD_ADD_IN1_SCALE, ACCEL_FIELD_ADD_IN2_SCALE, ACCEL_FIELD_ADD_OUT_SCALE,  /* f32 bits */
  ACCEL_FIELD_COUNT
} accel_field;

#define ACCEL_PAD_TOP 1u
#define ACCEL_PAD_BOTTOM 2u
#define ACCEL_PAD_LEFT 4u
#define ACCEL_PAD_RIGHT 8u
#define ACCEL_NO_TABLE 0xFFFFFFFFu    /* *_ADDR: use the scalar field (the reset value) */
#define ACCEL_NUMERICS_TFLM 0
#define ACCEL_NUMERICS_ONNX 1

/* Requantisation of conv / depthwise / dense, acc = bias[k] + sum of taps (int32, wrapping):
 *   ACCEL_REQUANT_PER_CHANNEL, tflm: clamp(MultiplyByQuantizedMultiplier(acc, m[k], s[k]) + zp)
 *       (TFLM's double rounding: saturating rounding doubling high mul, rounding divide by 2^-s)
 *   ACCEL_REQUANT_PER_CHANNEL, onnx: clamp(rint_half_even(clampf(f32(acc) * scale[k])) + zp)
 *       with clampf to [lo - zp, hi - zp] in float first (tinymlir/onnx_numerics.py)
 *   ACCEL_REQUANT_SHIFT (DIANA): clamp(floor(acc / 2^OUT_SHIFT)); no multiplier, no zero point
 *       (a rounding offset and the output zero point are the compiler's to fold into the bias)
 * A padding tap reads PAD_VALUE (so padding with zero point zx is exact when the compiler folds
 * -zx * sum(w[k]) into the bias). Add: tflm = TFLM's AddFunc, onnx = dequantise, add, divide,
 * round half to even; shift requantiser = clamp(floor((a + b) / 2^OUT_SHIFT)). */

/* Per-layer counters (cycles at the accelerator clock). */
typedef struct {
  const char *name;
  uint64_t cycles;          /* elapsed on the issuing timeline, overlap included */
  uint64_t compute_cycles;  /* PE-array busy */
  uint64_t dma_cycles;      /* sum over transfers (setup + bytes / bandwidth) */
  uint64_t config_cycles;   /* configuration register writes (and launches) */
  uint64_t macs;            /* useful MACs */
  uint64_t pe_macs;         /* MAC slots the PE-array mapping occupies (utilisation = macs / pe_macs) */
  uint64_t dma_bytes;
  uint32_t dma_transfers, config_writes, launches;
} accel_counters;

void accel_reset(void);                        /* memories zeroed, fields reset, counters cleared */
int accel_dma_start(const accel_dma_desc *d, accel_token *token);
int accel_dma_wait(accel_token token);
int accel_dma_wait_all(void);
int accel_setup(accel_field field, int32_t value);
int accel_launch(accel_op op, accel_token *token);
int accel_await(accel_token token);

/* Counters: a layer starts a new record (up to ACCEL_SIM_MAX_LAYERS); calls before the first
 * layer_begin count into a record named "(none)". */
int accel_layer_begin(const char *name);
int accel_counters_get(unsigned layer, accel_counters *out);  /* ACCEL_E_CONFIG past the last */
unsigned accel_layer_count(void);
void accel_counters_print(void);                /* a table on stdout, one line per layer + total */

/* Host access to the simulated memories (tests, and the runtime's L2 placement). */
uint8_t *accel_memory_base(accel_memory memory);
uint32_t accel_memory_size(accel_memory memory);
int accel_last_error(void);

#ifdef __cplusplus
}
#endif
#endif

/* tinymlir-sanitize: the library and the harness as one translation unit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef TINYMLIR_SANITIZE_VALGRIND
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <valgrind/memcheck.h>
#pragma GCC diagnostic pop
#endif

static void tinymlir_sanitize_hook(int index, const void *data, long size);
#define TINYMLIR_LAYER_HOOK(index, data, size) \
    tinymlir_sanitize_hook((index), (const void *)(data), (long)(size))

/* guard bands: built with -fno-toplevel-reorder (and, on x86, -malign-data=abi so that the
   band after the arena is not padded to 32 bytes), these zero-initialised statics are laid out
   right before and after the library's (zero-initialised, static) arena */
#define SAN_GUARD 256
#if defined(__GNUC__) || defined(__clang__)
typedef struct { uint8_t bytes[SAN_GUARD]; } __attribute__((aligned(1), packed)) san_guard_t;
#else
typedef struct { uint8_t bytes[SAN_GUARD]; } san_guard_t;
#endif
static san_guard_t san_guard_before_band;
#include "@NAME@.c"
static san_guard_t san_guard_after_band;
#define san_guard_before (san_guard_before_band.bytes)
#define san_guard_after (san_guard_after_band.bytes)

#define SAN_ARENA @ARENA@
#define SAN_ARENA_SIZE ((long)sizeof SAN_ARENA)
#define SAN_OUTPUTS @N_OUTPUTS@

static int san_canary;
static int san_guards_checked;

/* the first guard byte that no longer holds the canary, or -1 */
static long san_guard_hit(const uint8_t *guard) {
    long i;
    for (i = 0; i < SAN_GUARD; ++i)
        if (guard[i] != (uint8_t)san_canary) return i;
    return -1;
}

static void san_check_guards(int index) {
    long before = san_guard_hit(san_guard_before), after = san_guard_hit(san_guard_after);
    if (!san_guards_checked) {
        san_guards_checked = 1;
        if ((uintptr_t)san_guard_before + SAN_GUARD != (uintptr_t)SAN_ARENA ||
            (uintptr_t)san_guard_after != (uintptr_t)SAN_ARENA + (uintptr_t)SAN_ARENA_SIZE)
            fprintf(stderr, "tinymlir-sanitize: note: guard bands not adjacent to the arena "
                    "(before %p, arena %p + %ld, after %p)\n", (void *)san_guard_before,
                    (void *)SAN_ARENA, SAN_ARENA_SIZE, (void *)san_guard_after);
    }
    if (before >= 0 || after >= 0) {
        if (after >= 0)
            fprintf(stderr, "tinymlir-sanitize: layer %d wrote past the end of the arena "
                    "(byte arena[%ld] changed)\n", index, SAN_ARENA_SIZE + after);
        else
            fprintf(stderr, "tinymlir-sanitize: layer %d wrote before the start of the arena "
                    "(byte arena[%ld] changed)\n", index, before - SAN_GUARD);
        memset(san_guard_before, san_canary, SAN_GUARD);
        memset(san_guard_after, san_canary, SAN_GUARD);
    }
}

static FILE *san_layers;
static const void *san_out[SAN_OUTPUTS];
static long san_out_size[SAN_OUTPUTS];

static int san_inside(const void *data, long size, const void *base, long base_size, long *offset) {
    uintptr_t p = (uintptr_t)data, b = (uintptr_t)base;
    if (size < 0 || p < b || p - b > (uintptr_t)base_size || (uintptr_t)size > (uintptr_t)base_size - (p - b))
        return 0;
    *offset = (long)(p - b);
    return 1;
}

/* record: int32 index, kind (0 arena, 1 + k output k, -1 elsewhere), offset, size; the arena
   after the layer; for an output span, its bytes. */
static void tinymlir_sanitize_hook(int index, const void *data, long size) {
    int32_t header[4];
    long offset = 0;
    int k;
    header[0] = index;
    header[1] = -1;
    if (san_inside(data, size, SAN_ARENA, SAN_ARENA_SIZE, &offset)) header[1] = 0;
    for (k = 0; k < SAN_OUTPUTS && header[1] < 0; ++k)
        if (san_inside(data, size, san_out[k], san_out_size[k], &offset)) header[1] = 1 + k;
    header[2] = (int32_t)offset;
    header[3] = (int32_t)size;
    san_check_guards(index);
    if (header[1] < 0)
        fprintf(stderr, "tinymlir-sanitize: layer %d: output span [arena%+ld, arena%+ld) lies "
                "outside the arena [arena+0, arena+%ld) and the output buffers\n", index,
                (long)((intptr_t)data - (intptr_t)SAN_ARENA),
                (long)((intptr_t)data - (intptr_t)SAN_ARENA) + size, SAN_ARENA_SIZE);
    if (!san_layers) return;
    fwrite(header, sizeof header, 1, san_layers);
    fwrite(SAN_ARENA, 1, (size_t)SAN_ARENA_SIZE, san_layers);
    if (header[1] > 0) fwrite(data, 1, (size_t)size, san_layers);
}

@SAVED_INPUTS@

static int tinymlir_sanitize_run(@PARAMS@) {
    static int opened;
    const char *canary_text = getenv("TINYMLIR_SANITIZE_CANARY");
    int canary = canary_text ? (int)strtol(canary_text, NULL, 0) : 0xA5;
    int status;
    san_canary = canary;
    if (!opened) {
        const char *path = getenv("TINYMLIR_SANITIZE_LAYERS");
        opened = 1;
        if (path && !(san_layers = fopen(path, "wb"))) exit(2);
    }
    memset(SAN_ARENA, canary, sizeof SAN_ARENA);
    memset(san_guard_before, canary, SAN_GUARD);
    memset(san_guard_after, canary, SAN_GUARD);
@PREPARE@
#ifdef TINYMLIR_SANITIZE_VALGRIND
    VALGRIND_MAKE_MEM_UNDEFINED(SAN_ARENA, sizeof SAN_ARENA);
@POISON@
#endif
    status = @NAME@_run(@ARGS@);
    san_check_guards(-1);
@CHECK@
    if (san_layers) {
        int32_t end[4] = {-1, 0, 0, 0};
        fwrite(end, sizeof end, 1, san_layers);
        fflush(san_layers);
    }
    return status;
}
#define @NAME@_run tinymlir_sanitize_run

@HARNESS@

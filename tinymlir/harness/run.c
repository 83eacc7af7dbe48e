/* tinymlir's host harness (tinymlir.build.host_harness fills in the @...@ fields): runs
   @NAME@_run on every record of an input file and writes the outputs to another. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "@NAME@.h"

#ifdef TINYMLIR_RUN_PER_LAYER
/* The layer dump (tinymlir.layers.read_layer_dump): per layer, int32 index, int32 size, bytes. */
static FILE *layer_file;
void tinymlir_run_dump_layer(int index, const int8_t *data, int size) {
    int32_t header[2];
    header[0] = index;
    header[1] = size;
    fwrite(header, sizeof header, 1, layer_file);
    fwrite(data, 1, (size_t)size, layer_file);
}
#endif

@BUFFERS@

/* usage: harness INPUTS OUTPUTS [LAYERS]: runs every record (all inputs, in order) of INPUTS
   and writes the outputs, in order, to OUTPUTS. */
int main(int argc, char **argv) {
    FILE *in, *out;
    if (argc < 3) return 2;
    in = fopen(argv[1], "rb");
    out = fopen(argv[2], "wb");
    if (!in || !out) return 2;
#ifdef TINYMLIR_RUN_PER_LAYER
    if (argc < 4 || !(layer_file = fopen(argv[3], "wb"))) return 2;
#endif
    for (;;) {
        int status;
@READS@
        status = @NAME@_run(@ARGS@);
        if (status != 0) {
            fprintf(stderr, "@NAME@_run returned %d\n", status);
            return 3;
        }
@WRITES@
    }
    fclose(in);
    fclose(out);
#ifdef TINYMLIR_RUN_PER_LAYER
    fclose(layer_file);
#endif
    return 0;
}

/* Test driver of the accelerator simulator (test_accel_sim.py): runs a script of HAL calls
 * read from stdin, one command per line:
 *   set FIELD VALUE                  accel_setup
 *   load ENGINE LOC N HEX            a 1-D DMA from a host buffer (N bytes), then its wait
 *   start ENGINE LOC N HEX           the same DMA, not waited on
 *   dma ENGINE DIMS EXT LOC C0 C1 C2 ES1 ES2 LS1 LS2   a strided DMA with its ext side in L2
 *   poke MEMORY OFFSET N HEX         host writes into a simulated memory
 *   launch OP / await / waitall      accel_launch, accel_await (the last launch), accel_dma_wait_all
 *   layer NAME / dump MEMORY OFFSET N / counters
 * Status codes other than ACCEL_OK end the driver with that code (the simulator is built with
 * ACCEL_SIM_EXIT_ON_ERROR=0 by one test, to see them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_hal.h"

static unsigned char *read_hex(unsigned long n) {
  unsigned char *bytes = malloc(n ? n : 1);
  unsigned long i;
  for (i = 0; i < n; i++) {
    unsigned v;
    if (scanf("%2x", &v) != 1) exit(90);
    bytes[i] = (unsigned char)v;
  }
  return bytes;
}

static void check(int status) {
  if (status != ACCEL_OK) {
    printf("status %d\n", status);
    exit(10 + status);
  }
}

int main(void) {
  char command[32], name[64][64];
  unsigned names = 0;
  accel_token launch = -1, token;
  accel_reset();
  while (scanf("%31s", command) == 1) {
    if (!strcmp(command, "set")) {
      long field, value;
      if (scanf("%ld %ld", &field, &value) != 2) return 91;
      check(accel_setup((accel_field)field, (int32_t)value));
    } else if (!strcmp(command, "load") || !strcmp(command, "start")) {
      unsigned engine;
      unsigned long loc, n;
      accel_dma_desc d;
      if (scanf("%u %lu %lu", &engine, &loc, &n) != 3) return 92;
      memset(&d, 0, sizeof d);
      d.engine = engine;
      d.ext_host = read_hex(n); /* leaked: the driver is short-lived */
      d.loc_offset = (uint32_t)loc;
      d.dims = 1;
      d.count[0] = (uint32_t)n;
      check(accel_dma_start(&d, &token));
      if (!strcmp(command, "load")) check(accel_dma_wait(token));
    } else if (!strcmp(command, "dma")) {
      unsigned engine, dims;
      unsigned long v[9];
      accel_dma_desc d;
      int i;
      if (scanf("%u %u", &engine, &dims) != 2) return 93;
      for (i = 0; i < 9; i++)
        if (scanf("%lu", &v[i]) != 1) return 93;
      memset(&d, 0, sizeof d);
      d.engine = engine;
      d.dims = dims;
      d.ext_offset = (uint32_t)v[0];
      d.loc_offset = (uint32_t)v[1];
      d.count[0] = (uint32_t)v[2];
      d.count[1] = (uint32_t)v[3];
      d.count[2] = (uint32_t)v[4];
      d.ext_stride[1] = (uint32_t)v[5];
      d.ext_stride[2] = (uint32_t)v[6];
      d.loc_stride[1] = (uint32_t)v[7];
      d.loc_stride[2] = (uint32_t)v[8];
      check(accel_dma_start(&d, &token));
      check(accel_dma_wait(token));
    } else if (!strcmp(command, "poke")) {
      unsigned memory;
      unsigned long offset, n;
      unsigned char *bytes;
      if (scanf("%u %lu %lu", &memory, &offset, &n) != 3) return 94;
      bytes = read_hex(n);
      if (offset + n > accel_memory_size((accel_memory)memory)) return 95;
      memcpy(accel_memory_base((accel_memory)memory) + offset, bytes, n);
      free(bytes);
    } else if (!strcmp(command, "launch")) {
      unsigned op;
      if (scanf("%u", &op) != 1) return 96;
      check(accel_launch((accel_op)op, &launch));
    } else if (!strcmp(command, "await")) {
      check(accel_await(launch));
    } else if (!strcmp(command, "waitall")) {
      check(accel_dma_wait_all());
    } else if (!strcmp(command, "layer")) {
      if (names >= 64 || scanf("%63s", name[names]) != 1) return 97;
      check(accel_layer_begin(name[names++]));
    } else if (!strcmp(command, "dump")) {
      unsigned memory;
      unsigned long offset, n, i;
      if (scanf("%u %lu %lu", &memory, &offset, &n) != 3) return 98;
      if (offset + n > accel_memory_size((accel_memory)memory)) return 95;
      printf("dump ");
      for (i = 0; i < n; i++) printf("%02x", accel_memory_base((accel_memory)memory)[offset + i]);
      printf("\n");
    } else if (!strcmp(command, "counters")) {
      unsigned i;
      accel_counters c;
      for (i = 0; i < accel_layer_count(); i++) {
        check(accel_counters_get(i, &c));
        printf("counters %s %llu %llu %llu %llu %llu %llu %llu %lu %lu %lu\n", c.name, (unsigned long long)c.cycles,
               (unsigned long long)c.compute_cycles, (unsigned long long)c.dma_cycles,
               (unsigned long long)c.config_cycles, (unsigned long long)c.macs, (unsigned long long)c.pe_macs,
               (unsigned long long)c.dma_bytes, (unsigned long)c.dma_transfers, (unsigned long)c.config_writes,
               (unsigned long)c.launches);
      }
      accel_counters_print();
    } else {
      return 99;
    }
  }
  return 0;
}

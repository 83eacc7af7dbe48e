#!/bin/sh
# Snapshots the generated C: the four MLPerf models (--pipeline=mcu) and every
# translation unit the C tests print in-process (test_e2e_c, test_c_printer,
# test_arith_emulate_f32), to compare a printer or C-pass change before/after:
#   test/c-snapshot/snapshot.sh /tmp/before; <change>; test/c-snapshot/snapshot.sh /tmp/after
#   test/c-snapshot/compare.py /tmp/before /tmp/after
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$1; mkdir -p "$D"
cd "$ROOT"
for m in ${MODELS_DIR:-/work/shared/models}/*.onnx; do
  n=$(basename "$m" .onnx); mkdir -p "$D/$n"
  .venv/bin/tinymlir-opt --pipeline=mcu "$m" -o "$D/$n/" > "$D/$n/stdout.txt"
done
FE_SNAP_DIR=$D PYTHONPATH="$ROOT/test/c-snapshot" .venv/bin/pytest -q -p snapshot_plugin \
  -p no:cacheprovider test/python/test_e2e_c.py test/python/test_c_printer.py \
  test/python/test_arith_emulate_f32.py | tail -3

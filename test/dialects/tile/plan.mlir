// #tile.plan round-trips, and its verifier refuses a tile larger than its fast level.
// RUN: tinymlir-opt %s --split-input-file --verify-diagnostics | filecheck %s

// CHECK: "test.op"() {tile.plan = #tile.plan<"input", array<i64: 8, 16, 6, 16>, 22272 : i64, 3960 : i64, 4096 : i64>} : () -> ()
"test.op"() {tile.plan = #tile.plan<"input", array<i64: 8, 16, 6, 16>, 22272 : i64, 3960 : i64, 4096 : i64>} : () -> ()

// -----

// CHECK: tile.plan: the tile needs 5000 bytes, more than the fast level's 4096
"test.op"() {tile.plan = #tile.plan<"input", array<i64: 8, 16, 6, 16>, 22272 : i64, 5000 : i64, 4096 : i64>} : () -> ()

// -----

// CHECK: tile.plan: stationary operand must be one of untiled, output, weights, input, got 'bias'
"test.op"() {tile.plan = #tile.plan<"bias", array<i64: 1>, 1 : i64, 1 : i64, 4096 : i64>} : () -> ()

// -----

// CHECK: tile.plan: tile sizes must be positive, got [0]
"test.op"() {tile.plan = #tile.plan<"output", array<i64: 0>, 1 : i64, 1 : i64, 4096 : i64>} : () -> ()

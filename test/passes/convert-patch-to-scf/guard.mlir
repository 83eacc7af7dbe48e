// convert-patch-to-scf makes each patch.guard of a band loop an scf.if on the loop
// index, testing only the bounds that are not the loop's own: the folded stream stage of
// test/dialects/patch/folded.mlir (a band loop over bands 0 to 7).
// RUN: tinymlir-opt %S/../../dialects/patch/folded.mlir -p convert-patch-to-scf | filecheck %s

// CHECK-LABEL: func.func @v1
// CHECK-NOT:     patch.stage
// CHECK:         patch.fill %a_stream with -5
// CHECK:         scf.for %band = {{.*}} {
// bands 0 to 5: band < 5
// CHECK:           %[[FIVE:.*]] = arith.constant 5 : index
// CHECK-NEXT:      %[[BELOW:.*]] = arith.cmpi slt, %band, %[[FIVE]] : index
// CHECK-NEXT:      scf.if %[[BELOW]] {
// CHECK:             qk.conv2d {{.*}} layer_name = "a"
// bands 5 to 6: both bounds
// CHECK:           %[[LO:.*]] = arith.cmpi sge, %band, %{{.*}} : index
// CHECK:           %[[HI:.*]] = arith.cmpi slt, %band, %{{.*}} : index
// CHECK-NEXT:      %[[BOTH:.*]] = arith.andi %[[LO]], %[[HI]] : i1
// CHECK-NEXT:      scf.if %[[BOTH]] {
// bands 6 to 7: band >= 6
// CHECK:           %[[SIX:.*]] = arith.constant 6 : index
// CHECK-NEXT:      %[[FROM:.*]] = arith.cmpi sge, %band, %[[SIX]] : index
// CHECK-NEXT:      scf.if %[[FROM]] {
// CHECK:             patch.fill {{.*}} with -5
// CHECK-NOT:     patch.guard
// CHECK-NOT:     patch.band_loop

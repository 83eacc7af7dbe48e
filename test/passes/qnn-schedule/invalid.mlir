// RUN: tinymlir-opt %s --verify-diagnostics -p qnn-schedule | filecheck %s
// RUN: not tinymlir-opt %s -p 'qnn-schedule{max-states=0}' 2>&1 | filecheck %s --check-prefix=OPTION

// OPTION: tinymlir-opt: error: qnn-schedule: max-states must be positive, got 0

// CHECK: qnn-schedule: @loops has nested regions; expected a qnn graph
func.func @loops(%n: index) {
  scf.for %i = %n to %n step %n {
  }
  func.return
}

"""qnn-schedule: order the layers of a qnn function to lower its peak activation memory.

What it does
    Reorders the compute ops of each function body (any topological order is
    valid: qnn ops are pure) so that the peak of live activation bytes is
    smallest, which matters where the graph branches (ResNet skip connections,
    concatenated branches): finishing one branch before starting the other can
    free its large intermediates early. Constants move with their first user.

Cost model
    A tensor is live from the op that produces it until its last user has run;
    while an op runs, its inputs and its output are live. Function arguments are
    the caller's buffers and are not counted; results are. The peak of an order
    is the largest sum of live tensor bytes over its steps. (In-place schedules
    chosen later by convert-qnn-to-kernel can only lower it.)

Search
    Exact: a memoised search over the sets of already-scheduled ops finds the
    order with the smallest peak (ties keep the original order). Chains give one
    candidate per step, so the search is small for CNNs; past `max-states`
    explored states it falls back to a greedy choice per step (the ready op that
    adds the fewest live bytes, then the original order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import qnn
from tinymlir.errors import PassError


def tensor_bytes(value: SSAValue) -> int:
    t = value.type
    if isinstance(t, qnn.QTensorType):
        return t.get_num_elements() * ((t.element_type.width.data + 7) // 8)
    shape = getattr(t, "get_shape", None)
    if shape is None:
        return 0
    width = getattr(getattr(t, "element_type", None), "width", None)
    return math.prod(shape()) * (((width.data if width else 32) + 7) // 8)


@dataclass
class Graph:
    ops: list[Operation]  # compute ops in the original order
    preds: list[int]  # bitmask of producers among ops
    size: list[int]  # bytes of each op's result
    last_users: list[int]  # bitmask of users of each op's result (within ops)
    escapes: list[bool]  # result is returned (live to the end)

    @staticmethod
    def of(block_ops: list[Operation]) -> Graph:
        ops = [o for o in block_ops if not isinstance(o, qnn.ConstantOp | arith.ConstantOp | func.ReturnOp)]
        index = {o: i for i, o in enumerate(ops)}
        preds, users, escapes = [0] * len(ops), [0] * len(ops), [False] * len(ops)
        for i, o in enumerate(ops):
            for operand in o.operands:
                producer = operand.owner
                if isinstance(producer, Operation) and producer in index:
                    preds[i] |= 1 << index[producer]
                    users[index[producer]] |= 1 << i
            for result in o.results:
                for use in result.uses:
                    if isinstance(use.operation, func.ReturnOp):
                        escapes[i] = True
        return Graph(ops, preds, [sum(tensor_bytes(r) for r in o.results) for o in ops], users, escapes)

    def live_after(self, done: int) -> int:
        """Bytes live once the ops in `done` have run."""
        total = 0
        for i in range(len(self.ops)):
            if done >> i & 1 and (self.escapes[i] or (self.last_users[i] & ~done)):
                total += self.size[i]
        return total

    def ready(self, done: int) -> list[int]:
        return [i for i in range(len(self.ops)) if not done >> i & 1 and self.preds[i] & ~done == 0]


def schedule(graph: Graph, max_states: int) -> tuple[list[int], int]:
    """The order with the smallest peak (and that peak)."""
    n = len(graph.ops)
    full = (1 << n) - 1
    memo: dict[int, tuple[int, int]] = {}  # done -> (best peak from here, next op)
    explored = [0]

    def best(done: int) -> int:
        if done == full:
            return 0
        if done in memo:
            return memo[done][0]
        explored[0] += 1
        live = graph.live_after(done)
        candidates = graph.ready(done)
        if explored[0] > max_states:  # greedy beyond the budget
            pick = min(candidates, key=lambda i: (graph.live_after(done | 1 << i) - live, i))
            candidates = [pick]
        result, choice = math.inf, candidates[0]
        for i in candidates:
            peak = max(live + graph.size[i], best(done | 1 << i))
            if peak < result:
                result, choice = peak, i
        memo[done] = (int(result), choice)
        return int(result)

    peak = best(0)
    order, done = [], 0
    while done != full:
        i = memo[done][1]
        order.append(i)
        done |= 1 << i
    return order, peak


def original_peak(graph: Graph) -> int:
    done, peak = 0, 0
    for i in range(len(graph.ops)):
        peak = max(peak, graph.live_after(done) + graph.size[i])
        done |= 1 << i
    return peak


@dataclass(frozen=True)
class QnnSchedulePass(ModulePass):
    """See the module docstring."""

    name = "qnn-schedule"

    max_states: int = 200_000

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.max_states <= 0:
            raise PassError(f"qnn-schedule: max-states must be positive, got {self.max_states}")
        for function in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            block = function.body.block
            body = list(block.ops)
            if any(o.regions for o in body):
                raise PassError(f"qnn-schedule: @{function.sym_name.data} has nested regions; expected a qnn graph")
            graph = Graph.of(body)
            if len(graph.ops) < 2:
                continue
            order, peak = schedule(graph, self.max_states)
            if peak >= original_peak(graph):
                continue  # keep the importer's (the model's) order unless it costs memory
            terminator = block.last_op
            placed: set[Operation] = set()
            sequence: list[Operation] = []
            for i in order:
                compute = graph.ops[i]
                for operand in compute.operands:
                    producer = operand.owner
                    if isinstance(producer, qnn.ConstantOp | arith.ConstantOp) and producer not in placed:
                        placed.add(producer)
                        sequence.append(producer)
                sequence.append(compute)
            leftovers = [o for o in body if o not in placed and o not in sequence and o is not terminator]
            for o in [*leftovers, *sequence]:
                o.detach()
            for o in [*leftovers, *sequence]:
                block.insert_op_before(o, terminator)

"""convert-scf-to-mcuc: structured control flow as C `for` and `if` statements.

What it does
    * `scf.for` becomes `mcuc.for`; each loop-carried value becomes a local
      variable initialised before the loop, read at the top of the body,
      assigned at its end and read after the loop (`int32_t acc = bias; for (...)
      { ... acc = acc + x; }`, which the printer writes `acc += x`);
    * `scf.if` becomes `mcuc.if`; its results become variables assigned in each
      branch.

Assumes integer or index loop bounds (printed as int32_t) and unit-free
bodies (any ops). Refuses scf ops other than for / if / yield.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.builder import Builder, InsertPoint
from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.passes import ModulePass

from tinymlir.dialects import mcuc
from tinymlir.errors import PassError
from tinymlir.ir_walk import walk_ops


def _variables(b: Builder, values, inits=None) -> list[SSAValue]:
    variables = []
    for i, value in enumerate(values):
        var = mcuc.VariableOp(mcuc.EmitC_LValueType(value.type), inits[i] if inits else None)
        b.insert(var)
        var.results[0].name_hint = value.name_hint
        variables.append(var.results[0])
    return variables


def _move_body(source: Block, target: Block, variables: list[SSAValue]) -> None:
    """Moves the ops of `source` to `target`, turning its scf.yield into assignments."""
    for op in list(source.ops):
        op.detach()
        if isinstance(op, scf.YieldOp):
            for var, value in zip(variables, op.operands, strict=True):
                target.add_op(mcuc.AssignOp(var, value))
            op.erase()
        else:
            target.add_op(op)
    target.add_op(mcuc.YieldOp())


def _replace_results(op, new, variables: list[SSAValue]) -> None:
    """The results of `op` become reads of their variables after `new`; `op` goes."""
    after = Builder(InsertPoint.after(new))
    for var, result in zip(variables, op.results, strict=True):
        load = mcuc.LoadOp(var)
        after.insert(load)
        load.results[0].name_hint = result.name_hint
        result.replace_all_uses_with(load.results[0])
    op.detach()
    op.erase(safe_erase=False)


def convert_for(op: scf.ForOp) -> None:
    b = Builder(InsertPoint.before(op))
    variables = _variables(b, op.results, list(op.iter_args))
    body = Block(arg_types=[op.lb.type])
    old = op.body.block
    for var, arg in zip(variables, old.args[1:], strict=True):
        load = mcuc.LoadOp(var)
        body.add_op(load)
        load.results[0].name_hint = arg.name_hint
        arg.replace_all_uses_with(load.results[0])
    old.args[0].replace_all_uses_with(body.args[0])
    body.args[0].name_hint = old.args[0].name_hint
    _move_body(old, body, variables)
    new = mcuc.ForOp(op.lb, op.ub, op.step, Region(body))
    b.insert(new)
    _replace_results(op, new, variables)


def convert_if(op: scf.IfOp) -> None:
    b = Builder(InsertPoint.before(op))
    variables = _variables(b, op.results)
    regions = []
    for region in (op.true_region, op.false_region):
        if not region.blocks:
            regions.append(None)
            continue
        block = Block()
        _move_body(region.block, block, variables)
        regions.append(Region(block))
    then_region, else_region = regions
    if else_region is not None and not list(else_region.block.ops):
        else_region = None
    new = mcuc.IfOp(op.cond, then_region, else_region)
    b.insert(new)
    _replace_results(op, new, variables)


@dataclass(frozen=True)
class ConvertScfToMcucPass(ModulePass):
    """See the module docstring."""

    name = "convert-scf-to-mcuc"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        targets = []
        for o in walk_ops(op):
            if isinstance(o, scf.ForOp | scf.IfOp):
                targets.append(o)
            elif o.name.startswith("scf.") and not isinstance(o, scf.YieldOp):
                raise PassError(f"convert-scf-to-mcuc: {o.name} is not supported")
        # Pre-order: an outer loop moves its (still unconverted) nested ops into its new body.
        for o in targets:
            convert_for(o) if isinstance(o, scf.ForOp) else convert_if(o)

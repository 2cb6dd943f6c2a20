"""Where a release's value that a template failed on is set (BPP016).

A template that reads a value of the wrong shape fails in Go's words, naming the
expression and never the value (`blueprintc.value_shapes`): an Application's
`config: {webapp: {ui: Welcome}}` where the chart reads `webapp.ui.message` was reported
at the Application, once per Environment, with a hint about the subchart's values. The
value is in one layer (the Sovereign overlay, a kit entry's `values`, the Application's
config, a size overlay): the finding goes to its line, with the shape the chart wants.
Only a value a layer sets, and whose shape explains the failure, is placed so: any
other failure keeps its place.
"""

from __future__ import annotations

from typing import NamedTuple

from blueprintc.mapping import value_at
from blueprintc.plan.values import Merged
from blueprintc.value_shapes import ValueFault, describe, scalar_owner, unset_part, value_fault
from blueprintc.yamldoc import PathKey, json_path


class ShapedValue(NamedTuple):
    path: PathKey  # of the value (or key) in the release's values
    hint: str
    at_key: bool  # the key is the mistake (a misspelling), not its value


def shaped_value(error: str, values: Merged) -> ShapedValue | None:
    """The value whose shape made the render fail with `error` (a layer decides where
    it is set), with the fix; None for another failure."""
    fault = value_fault(error)
    return None if fault is None else _fault_value(fault, values)


def _fault_value(fault: ValueFault, values: Merged) -> ShapedValue | None:
    prefix = fault.subchart_keys  # a subchart's `.Values` are under its key
    read = json_path((*prefix, *fault.path))
    if fault.kind == "field":
        owner = scalar_owner(fault.path, value_at(values.value, prefix), fault.field)
        if owner is None:
            return None
        path = (*prefix, *owner)
        given = describe(value_at(values.value, path))
        hint = f"make {json_path(path)} a mapping: it is {given} here, and the chart reads {read}"
        return ShapedValue(path, hint, False)
    if fault.kind == "range":
        path = (*prefix, *fault.path)
        given = value_at(values.value, path)
        if given is None or isinstance(given, list | dict):
            return None
        return ShapedValue(
            path,
            f"give {read} a list (or a mapping): it is {describe(given)} here, and the "
            "chart's `range` iterates over nothing else",
            False,
        )
    return _unset(prefix, fault.path, values)


def _unset(prefix: PathKey, parts: tuple[str, ...], values: Merged) -> ShapedValue | None:
    """For a nil pointer: the part of the path a layer sets empty, or the key a layer
    sets beside it that is spelled close to it."""
    unset = unset_part(parts, value_at(values.value, prefix))
    if unset is None or not unset.in_mapping:
        return None
    read = json_path((*prefix, *parts))
    if unset.empty:
        path = (*prefix, *parts[: unset.depth + 1])
        empty = f"give {json_path(path)} a value: it is empty (null) here"
        return ShapedValue(path, f"{empty}, and the chart reads {read}", False)
    if unset.close is None:
        return None
    return ShapedValue(
        (*prefix, *parts[: unset.depth], unset.close),
        f"write `{parts[unset.depth]}:` for `{unset.close}:`: the chart reads {read}, "
        "which nothing sets",
        True,
    )

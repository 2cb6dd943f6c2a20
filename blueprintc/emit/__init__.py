"""Emit layer: turn planned files into out/ deterministically, atomically, incrementally.

``serialise`` renders an ``OutputFile`` as deterministic YAML; ``emit`` makes
out/ hold exactly the planned files (writing nothing when nothing changed);
``emit(check=True)`` and ``diff`` say what a compile would change; ``recover``
repairs a tree after an interrupted emit (``emit`` does it by itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blueprintc.lazy_exports import lazy_exports

# Bound now: the submodule `seal` would otherwise shadow the function once imported.
from .seal import is_sealed, seal

if TYPE_CHECKING:
    from .emitter import diff, emit, recover
    from .model import EmitError, EmitReport, OutputFile
    from .reconcile import serialise
    from .tree import read_tree
    from .yamlwriter import dump, dump_all

# Each name's module, imported on first use (PEP 562): `blueprintc.emit.seal`, which
# a sealed compile needs, does not pay for the emitter and the YAML writer.
_HOMES = {
    "diff": "emitter",
    "emit": "emitter",
    "recover": "emitter",
    "EmitError": "model",
    "EmitReport": "model",
    "OutputFile": "model",
    "serialise": "reconcile",
    "read_tree": "tree",
    "dump": "yamlwriter",
    "dump_all": "yamlwriter",
}


__getattr__ = lazy_exports(__name__, _HOMES, globals())


__all__ = [
    "EmitError",
    "EmitReport",
    "OutputFile",
    "diff",
    "dump",
    "dump_all",
    "emit",
    "is_sealed",
    "read_tree",
    "recover",
    "seal",
    "serialise",
]

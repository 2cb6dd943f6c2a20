"""Emit layer: turn planned files into out/ deterministically, atomically, incrementally.

``serialise`` renders an ``OutputFile`` as deterministic YAML; ``emit`` makes
out/ hold exactly the planned files (writing nothing when nothing changed);
``emit(check=True)`` and ``diff`` say what a compile would change; ``recover``
repairs a tree after an interrupted emit (``emit`` does it by itself).
"""

from .emitter import diff, emit, recover
from .model import EmitError, EmitReport, OutputFile
from .reconcile import serialise
from .seal import is_sealed, seal
from .tree import read_tree
from .yamlwriter import dump, dump_all

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

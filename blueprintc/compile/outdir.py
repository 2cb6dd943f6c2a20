"""Where a workspace's commands write: out/ from `-o` or `out:`, checked before use.

`out:` in blueprintc.yaml must name a directory inside the workspace (a pull
request that edits the config must not make CI write or prune elsewhere); `-o` on
the command line may point anywhere. Either way the directory then goes through
the ownership check (emit/ownership.py) against the workspace and every input
directory blueprintc.yaml names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

from blueprintc.compile.inputfiles import setting
from blueprintc.emit.ownership import Guarded, check_output, claim_output
from blueprintc.source import InputError
from blueprintc.workspace import WORKSPACE_FILE, Workspace

__all__ = [
    "NOT_COMPILED",
    "checked_out_dir",
    "claimed_dir",
    "claimed_layout",
    "out_dir",
    "output_guards",
]

# Top-level dirs of out/ that other commands own: publish's OCI layout, build records,
# bare Git repos. Compile never plans, rewrites or prunes them.
NOT_COMPILED = ("oci", "build", "git")
DEFAULT_OUT = "out"
_FILE_KEYS = ("sovereign", "canon")


def out_dir(workspace: Workspace, out: Path | None) -> Path:
    """The output directory: `out` (from the command line, relative to the current
    directory) or `out:` from blueprintc.yaml, which must stay inside the workspace."""
    if out is not None:
        return Path(os.path.abspath(out))
    return _configured(workspace)


def checked_out_dir(workspace: Workspace, out: Path | None) -> Path:
    """`out_dir`, refused (OwnershipError) unless blueprintc owns it; nothing read yet."""
    return check_output(out_dir(workspace, out), output_guards(workspace), allowed=NOT_COMPILED)


def claimed_dir(
    workspace: Workspace, out: Path | None, sub: str, what: str, explicit: Path | None = None
) -> Path:
    """The directory `build`/`publish` write into, claimed (created and marked): the
    `explicit` one given on the command line (`--layout`), else `<out>/<sub>` (`sub`
    one of NOT_COMPILED), with out/ itself checked first."""
    guards = output_guards(workspace)
    if explicit is not None:
        return claim_output(explicit, guards, what=what)
    return claim_output(checked_out_dir(workspace, out) / sub, guards, what=what)


def claimed_layout(
    workspace: Workspace, out: Path | None, layout: Path | None
) -> tuple[Path, Path]:
    """The OCI layout publish writes (`--layout`, else `<out>/oci`), claimed, and the
    directory below which it follows no link: the layout given, else out/."""
    where = claimed_dir(workspace, out, "oci", "OCI layout", explicit=layout)
    return where, where if layout is not None else where.parent


def output_guards(workspace: Workspace) -> list[Guarded]:
    """The workspace and every input blueprintc.yaml names: no output directory may be
    or contain them, nor lie inside an input."""
    root = workspace.root
    guards = [Guarded(root, f"the workspace {root}", nested_ok=True)]
    named = [("blueprints", d) for d in workspace.blueprint_dirs]
    for key, default in (
        ("organizations", "organizations"),
        ("overlays", "overlays"),
        ("sovereign", "sovereign.yaml"),
        ("canon", ""),
    ):
        value = setting(workspace, key, default)
        if value:
            named.append((key, value))
    for key, rel in named:
        kind = "file" if key in _FILE_KEYS else "directory"
        label = f"the input {kind} {rel} (`{key}:` in {WORKSPACE_FILE})"
        guards.append(Guarded(root / rel, label))
    return guards


def _configured(workspace: Workspace) -> Path:
    root = workspace.root
    doc = workspace.doc
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    if "out" not in data or data["out"] is None:
        return root / DEFAULT_OUT
    value = data["out"]
    if not isinstance(value, str) or not value.strip():
        _bad(workspace, value, "is not a directory name")
    if os.path.isabs(value):
        _bad(workspace, value, "is an absolute path")
    lexical = Path(os.path.normpath(root / value))
    if lexical == root:
        _bad(workspace, value, "is the workspace itself")
    # out/ itself may be a link: the ownership check refuses that in its own words
    real = Path(os.path.realpath(lexical.parent)) / lexical.name
    if not lexical.is_relative_to(root) or not real.is_relative_to(root) or real == root:
        _bad(workspace, value, f"leads outside the workspace (to {real})")
    return lexical


def _bad(workspace: Workspace, value: object, why: str) -> NoReturn:
    doc = workspace.doc
    line, column = doc.locate(("out",)) if doc is not None else (1, 1)
    raise InputError(
        "BPI009",
        f"`out: {value}` {why}: the output directory set in {WORKSPACE_FILE} must be "
        "inside the workspace",
        WORKSPACE_FILE,
        line,
        column,
        hint="write a relative path such as `out: out`; to write elsewhere, "
        "pass -o DIR on the command line",
    )

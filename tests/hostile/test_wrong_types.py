"""Every scalar of an input set to a value of the wrong type: findings, never a crash.

Compile reports schema findings and plans on; a value the schema refuses reached the
planner (`type: strng` in a configSchema, `minRegions: two`, `modes: 1.5`) and ended in
a traceback: 93 in 468 runs of this sweep over the reference webapp's blueprint.yaml.
Each file's scalar lines are set, one at a time, to each wrong value, and compiled
in-process (about 0.1 s a run).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprintc.compile.planner import compile_workspace
from tests.compile.helpers import copy_workspace

# `key: value` on its own line (a list item's too), the value not a block scalar.
_SCALAR = re.compile(r"^(\s+(?:- )?[A-Za-z][\w.-]*: )([^|>#\s].*)$")
WRONG = ("x-y", "[a]", "{a: 1}", "null")


@pytest.mark.parametrize(
    "rel", ["blueprints/webapp/blueprint.yaml", "organizations/acme.yaml", "sovereign.yaml"]
)
def test_no_scalar_set_to_a_wrong_type_crashes_compile(tmp_path: Path, rel: str) -> None:
    workspace = copy_workspace(tmp_path / "ws")  # planned only: nothing else is written
    path = workspace / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    crashed = []
    runs = 0
    for index, line in enumerate(lines):
        written = _SCALAR.match(line.rstrip("\n"))
        if written is None:
            continue
        for wrong in WRONG:
            edited = [*lines[:index], f"{written.group(1)}{wrong}\n", *lines[index + 1 :]]
            path.write_text("".join(edited), encoding="utf-8")
            runs += 1
            try:
                compile_workspace(workspace)
            except Exception as exc:
                crashed.append(f"{rel}:{index + 1} = {wrong}: {exc!r}"[:300])
    assert runs > 40
    assert crashed == []

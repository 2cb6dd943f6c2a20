"""Compile reads `blueprintc.yaml` as lint does: a key it would ignore is an error.

`organisations: tenants` (for `organizations:`) compiled no Organization and removed
every one's tree from out/, exit 0; `kubernetesVersion: 1.30` (YAML's number 1.3)
validated against the default version; both passed without a word. Lint said BPS003.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import invoke
from tests.compile.helpers import copy_workspace, edit_file


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = copy_workspace(tmp_path / "ws")
    assert invoke("compile", root).exit_code == 0
    return root


def _out(root: Path) -> dict[str, bytes]:
    out = root / "out"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_misspelt_key_stops_the_compile_before_out_changes(ws: Path) -> None:
    (ws / "organizations").rename(ws / "tenants")
    edit_file(ws / "blueprintc.yaml", "organizations: organizations", "organisations: tenants")
    before = _out(ws)

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert "blueprintc.yaml:6:1: error BPS003 [workspace-schema] organisations:" in result.output
    assert "did you mean 'organizations'?" in result.output
    assert _out(ws) == before


def test_a_version_yaml_reads_as_a_number_is_told_how_to_quote(ws: Path) -> None:
    edit_file(ws / "blueprintc.yaml", "out: out\n", "out: out\nkubernetesVersion: 1.30\n")

    result = invoke("compile", ws)

    assert result.exit_code == 1
    assert "kubernetesVersion: 1.3 is not of type 'string'" in result.output
    assert 'quote it, `kubernetesVersion: "1.30"`' in result.output

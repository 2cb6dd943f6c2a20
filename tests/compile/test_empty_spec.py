"""A Sovereign or Organization spec that holds nothing is one BPP015 at its first line
(a file of only `---` has no line 2), whose hint says what to write: deleting the
Sovereign spec would only stop the compile another way."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprintc.compile.run import run_compile
from tests.compile.helpers import copy_workspace


@pytest.mark.parametrize("text", ["---\n", "", "# nothing yet\n---\n"])
def test_an_empty_sovereign_spec_is_reported_at_its_first_line_with_what_to_write(
    tmp_path: Path, text: str
) -> None:
    root = copy_workspace(tmp_path / "ws")
    (root / "sovereign.yaml").write_text(text)
    [found] = run_compile(root, out=tmp_path / "out").diagnostics
    assert (found.rule, found.location.line, found.location.column) == ("BPP015", 1, 1)
    assert found.message == "sovereign.yaml is empty: it must hold a Sovereign spec"
    assert found.hint is not None and "delete" not in found.hint
    assert found.hint.startswith(
        "write the Sovereign spec: `apiVersion: catalyst.openova.io/v1alpha1`, "
        "`kind: Sovereign`, `metadata.name` and `spec` with fqdn, regions,"
    )


def test_an_empty_organization_spec_may_also_be_deleted(tmp_path: Path) -> None:
    root = copy_workspace(tmp_path / "ws")
    (root / "organizations" / "initech.yaml").write_text("---\n")
    [found] = run_compile(root, out=tmp_path / "out").diagnostics
    assert (found.location.file, found.location.line) == ("organizations/initech.yaml", 1)
    assert found.hint is not None
    assert found.hint.startswith("write the Organization spec: `apiVersion: ")
    assert found.hint.endswith("; or delete the file if it is no Organization")

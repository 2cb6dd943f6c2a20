"""The golden tree: ``golden/`` is the compiled reference workspace, and it is valid.

``golden/README.md`` says how to review and update it (``scripts/update_golden.py``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from blueprintc.compile.run import run_compile
from blueprintc.validate import validate_tree

from .helpers import GOLDEN, GOLDEN_EXTRAS, REPO, describe_difference, tree_files

UPDATE = "run `.venv/bin/python scripts/update_golden.py` and review `git diff golden/`"


def test_compile_matches_golden(tmp_path: Path) -> None:
    """A directory snapshot: the same file list and the same bytes as golden/."""
    outcome = run_compile(REPO, out=tmp_path / "out")
    assert outcome.diagnostics == []
    actual = tree_files(tmp_path / "out")
    expected = tree_files(GOLDEN, ignore=GOLDEN_EXTRAS)
    assert len(expected) > 100, f"golden/ is (nearly) empty: {UPDATE}"
    if actual != expected:
        raise AssertionError(
            f"the compiled reference workspace differs from golden/ ({UPDATE}):\n"
            + describe_difference(expected, actual)
        )


def test_golden_is_valid() -> None:
    """Every object passes its schema and every kustomization builds (kubectl kustomize)."""
    diagnostics = validate_tree(GOLDEN, kustomize=True)
    assert [f"{d.location.file}: {d.rule} {d.message}" for d in diagnostics] == []


def test_golden_covers_every_output_kind() -> None:
    """The snapshot exercises each part of DESIGN.md "Outputs", not just some."""
    files = tree_files(GOLDEN, ignore=GOLDEN_EXTRAS)
    tops = {path.split("/", 1)[0] for path in files}
    assert tops == {"clusters", "repos", "system", "vclusters"}
    kit = [p for p in files if p.startswith("clusters/omantel/bootstrap-kit/")]
    assert "clusters/omantel/bootstrap-kit/kustomization.yaml" in kit
    branches = {p.split("/")[3] for p in files if p.startswith("repos/")}
    assert {"develop", "staging", "main"} <= branches
    for sub in ("organizations", "environments", "policies"):
        assert any(p.startswith(f"system/catalyst-config/{sub}/") for p in files)


def test_update_script_check_agrees(tmp_path: Path) -> None:
    """`scripts/update_golden.py --check` finds golden/ up to date and writes nothing."""
    before = tree_files(GOLDEN)
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "update_golden.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "golden/ is up to date" in result.stdout
    assert tree_files(GOLDEN) == before

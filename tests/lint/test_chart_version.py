"""BPS006: blueprint.yaml and Chart.yaml carry one version; the fix names the file to
change and the version to write (the higher one) (issue 12 point 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPS006" / "pass"


@pytest.mark.parametrize(
    ("manifest", "chart", "hint"),
    [
        ("1.0.0", "1.0.1", "set spec.version in blueprints/demo/blueprint.yaml to 1.0.1"),
        ("1.1.0", "1.0.1", "set version in blueprints/demo/chart/Chart.yaml to 1.1.0"),
    ],
)
def test_the_fix_raises_the_lower_version(
    tmp_path: Path, manifest: str, chart: str, hint: str
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    for rel, version in (("blueprint.yaml", manifest), ("chart/Chart.yaml", chart)):
        path = root / "blueprints" / "demo" / rel
        text = path.read_text(encoding="utf-8").replace("v1.0.0", "1.0.0")
        path.write_text(text.replace("version: 1.0.0", f"version: {version}"), encoding="utf-8")
    (found,) = lint([root], root=root, select={"BPS006"}).diagnostics
    assert (found.location.file, found.location.line) == ("blueprints/demo/blueprint.yaml", 6)
    assert found.hint.startswith(hint)
    assert f"spec.version is {manifest}" in found.message


def test_the_reference_catalog_agrees() -> None:
    repo = Path(__file__).parents[2]
    for catalog in (repo / "blueprints", repo / "tests" / "fixtures" / "blueprint-repo"):
        assert lint([catalog], select={"BPS006"}).diagnostics == []


def test_compile_notices_what_it_would_pin_with_lints_fix() -> None:
    """BPP021 at the kit entry and the Application pinning a disagreeing Blueprint, with
    the very fix BPS006 gives at that Blueprint's version."""
    from blueprintc.compile.planner import compile_workspace

    root = Path(__file__).parents[1] / "rules" / "cases" / "BPP021" / "fail"
    pinned = [d for d in compile_workspace(root).diagnostics if d.rule == "BPP021"]
    assert [(d.location.file, d.location.line) for d in pinned] == [
        ("organizations/acme.yaml", 13),
        ("sovereign.yaml", 23),
    ]
    linted = lint([root / "blueprints"], root=root, select={"BPS006"}).diagnostics
    assert sorted(d.hint for d in pinned) == sorted(d.hint for d in linted)
    assert "set spec.version in blueprints/base/blueprint.yaml to 1.0.1" in pinned[1].hint

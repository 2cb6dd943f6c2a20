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

"""BPG004's hints name the version to write, or the upstreams Chart.yaml depends on
(they said "set the same upstream version in all three places" for every case)."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.lint import lint

CASE = Path(__file__).resolve().parents[1] / "rules" / "cases" / "BPG004" / "fail"


def _found(workspace: Path) -> list[tuple[str, str | None]]:
    result = lint([workspace], root=workspace, select={"BPG004"})
    return [(d.message, d.hint) for d in result.diagnostics if d.rule == "BPG004"]


def test_a_version_that_differs_is_told_the_one_chart_yaml_pins() -> None:
    found = _found(CASE)
    assert found and all(
        hint is not None and hint.startswith("write 1.2.0 here, the version Chart.yaml pins")
        for _, hint in found
    )


def test_an_upstream_chart_yaml_does_not_depend_on_is_told_the_ones_it_does(
    tmp_path: Path,
) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(CASE, workspace)
    blueprint = workspace / "blueprints" / "demo" / "blueprint.yaml"
    text = blueprint.read_text(encoding="utf-8")
    assert "alpha" in text
    blueprint.write_text(text.replace("alpha", "alfa"), encoding="utf-8")
    told = [hint for message, hint in _found(workspace) if message.startswith("spec.upstream")]
    assert told == [
        "name the upstream as Chart.yaml's `dependencies:` do (alpha 1.2.0), or add alfa there"
    ]

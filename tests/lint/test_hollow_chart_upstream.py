"""A hollow chart (no `dependencies:`, no no-upstream annotation) whose blueprint.yaml
names its upstream is one mistake: BPG001, whose fix names the dependency to add. On
main, BPG004 also said, once per place, that Chart.yaml does not depend on it."""

from __future__ import annotations

import shutil
from pathlib import Path

from blueprintc.lint import lint

CASE = Path(__file__).parents[1] / "rules" / "cases" / "BPS008" / "pass"
UPSTREAM = "  upstream:\n    - name: webapp\n      version: 2.4.1\n"
ANNOTATED = '  catalyst.openova.io/no-upstream: "true"\n'


def _demo(tmp_path: Path, annotated: bool) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CASE, root)
    demo = root / "blueprints" / "demo"
    manifest = demo / "blueprint.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + UPSTREAM, "utf-8")
    chart = demo / "chart" / "Chart.yaml"
    text = chart.read_text(encoding="utf-8")
    assert ANNOTATED in text
    if not annotated:
        chart.write_text(text.replace("annotations:\n" + ANNOTATED, ""), "utf-8")
    return root


def _found(root: Path) -> list[tuple[str, str, str]]:
    result = lint([root], root=root, select={"BPG001", "BPG004"})
    return [(d.rule, d.location.file, d.hint) for d in result.active]


def test_a_hollow_chart_is_one_finding_naming_the_upstream_to_add(tmp_path: Path) -> None:
    assert _found(_demo(tmp_path, annotated=False)) == [
        (
            "BPG001",
            "blueprints/demo/chart/Chart.yaml",
            "add webapp 2.4.1 (blueprint.yaml's spec.upstream) under `dependencies:` with "
            "its repository",
        )
    ]


def test_an_upstream_a_no_upstream_chart_lacks_is_still_a_pin_finding(tmp_path: Path) -> None:
    assert [(rule, file) for rule, file, _ in _found(_demo(tmp_path, annotated=True))] == [
        ("BPG004", "blueprints/demo/blueprint.yaml")
    ]

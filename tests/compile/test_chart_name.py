"""Compile names a Blueprint's chart as build publishes it: `bp-<name>`, which lint's
BPS008 makes Chart.yaml's `name`. A Blueprint renamed without its Chart.yaml compiled
a HelmRelease for a chart build refuses to publish; compile now says so at Chart.yaml's
`name`, in lint's words."""

from __future__ import annotations

from pathlib import Path

import yaml

from blueprintc.compile.run import run_compile
from blueprintc.lint import lint
from tests.compile.helpers import copy_workspace

KIT_RELEASE = "clusters/omantel/bootstrap-kit/01-bp-pg.yaml"


def _renamed(tmp_path: Path) -> Path:
    """The reference workspace with bp-postgres renamed bp-pg (its directory, its
    metadata.name, the kit entry and bp-wiki's dependency), Chart.yaml's name left
    alone."""
    root = copy_workspace(tmp_path / "ws")
    (root / "blueprints" / "postgres").rename(root / "blueprints" / "pg")
    edits = [("blueprints/pg/blueprint.yaml", "  name: bp-postgres\n", "  name: bp-pg\n")]
    edits += [
        (f, "blueprint: bp-postgres\n", "blueprint: bp-pg\n")
        for f in ("sovereign.yaml", "blueprints/wiki/blueprint.yaml")
    ]
    for rel, old, new in edits:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, rel
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_a_blueprint_renamed_without_its_chart_is_reported_at_chart_yamls_name(
    tmp_path: Path,
) -> None:
    root = _renamed(tmp_path)
    outcome = run_compile(root, out=tmp_path / "out")
    [found] = [d for d in outcome.diagnostics if d.rule == "BPS008"]
    assert (found.location.file, found.location.line) == ("blueprints/pg/chart/Chart.yaml", 2)
    assert found.message == (
        "Chart.yaml names the chart bp-postgres, but Blueprint bp-pg is installed as bp-pg: "
        "build would publish bp-postgres:1.3.0, which no HelmRelease asks for"
    )
    assert found.hint == "set name: bp-pg in blueprints/pg/chart/Chart.yaml"
    assert outcome.failing and not (tmp_path / "out").exists()
    [linted] = lint([root / "blueprints" / "pg"], root=root, select={"BPS008"}).diagnostics
    assert (linted.message, linted.hint, linted.location) == (
        found.message,
        found.hint,
        found.location,
    )
    chart = root / "blueprints" / "pg" / "chart" / "Chart.yaml"  # the fix the hint gives
    chart.write_text(chart.read_text().replace("name: bp-postgres\n", "name: bp-pg\n"))
    outcome = run_compile(root, out=tmp_path / "out")
    assert not outcome.failing, [d.message for d in outcome.failing]


def test_every_helmrelease_asks_for_the_chart_build_publishes(tmp_path: Path) -> None:
    """With the finding turned off, the HelmRelease still asks for bp-<name>, the
    artifact build publishes (never for a Chart.yaml name build refuses)."""
    root = _renamed(tmp_path)
    config = root / "blueprintc.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    BPS008: off\n")
    outcome = run_compile(root, out=tmp_path / "out")
    assert not outcome.failing, [d.message for d in outcome.failing]
    documents = list(yaml.safe_load_all((tmp_path / "out" / KIT_RELEASE).read_text()))
    [release] = [d for d in documents if d["kind"] == "HelmRelease"]
    assert release["spec"]["chart"]["spec"]["chart"] == "bp-pg"

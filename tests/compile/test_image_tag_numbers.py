"""A release's image tag written as a number in one of its layers (BPG017, in compile).

Compile emits a HelmRelease whose values carry the number, and Helm prints Go's text of
it: `tag: 6.10` in a Sovereign overlay deploys `repo:6.1` on every host. Reported at
the layer that sets it, once for every Environment.
"""

from __future__ import annotations

from pathlib import Path

from blueprintc.compile.run import run_compile
from blueprintc.diagnostics import Diagnostic
from tests.compile.helpers import line_of
from tests.compile.test_kit_renders import kit_workspace

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tagged\nspec:\n  containers:\n"
    '    - name: web\n      image: registry.example.test/web:{{ .Values.tag | default "1.0.0" }}\n'
)


def _workspace(tmp_path: Path, kit: str) -> Path:
    workspace = kit_workspace(tmp_path, kit)
    for name in ("base", "app"):
        (workspace / "blueprints" / name / "chart" / "templates" / "pod.yaml").write_text(POD)
    return workspace


def _tag_findings(workspace: Path, out: Path) -> list[Diagnostic]:
    return [d for d in run_compile(workspace, out=out).diagnostics if d.rule == "BPG017"]


def test_a_kit_entrys_numeric_tag_is_reported_at_its_line(tmp_path: Path) -> None:
    kit = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n        tag: 6.10\n"
    workspace = _workspace(tmp_path, kit)

    [found] = _tag_findings(workspace, tmp_path / "out")

    sovereign = workspace / "sovereign.yaml"
    assert (found.location.file, found.location.line) == (
        "sovereign.yaml",
        line_of(sovereign, "tag: 6.10"),
    )
    assert found.message == (
        "tag is written 6.10, a number, which Helm renders as 6.1: Pod tagged of "
        "bootstrap-kit entry bp-base runs the image registry.example.test/web:6.1"
    )
    assert found.hint == 'quote it: `tag: "6.10"`'


def test_an_overlays_numeric_tag_is_one_finding_for_every_environment(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "    - blueprint: bp-base\n      version: ^1.0\n")
    overlay = workspace / "overlays" / "sovereigns" / "demo.yaml"
    overlay.write_text(overlay.read_text() + "  tag: 20240101\n")  # under `app:`

    [found] = _tag_findings(workspace, tmp_path / "out")

    assert (found.location.file, found.location.line) == (
        "overlays/sovereigns/demo.yaml",
        line_of(overlay, "tag: 20240101"),
    )
    assert (
        "Pod tagged of Application shop runs the image registry.example.test/web:2.0240101e+07"
        in found.message
    )


def test_a_number_helm_prints_as_written_or_a_quoted_tag_is_clean(tmp_path: Path) -> None:
    kit = "    - blueprint: bp-base\n      version: ^1.0\n      values:\n        tag: 6.5\n"
    workspace = _workspace(tmp_path, kit)
    overlay = workspace / "overlays" / "sovereigns" / "demo.yaml"
    overlay.write_text(overlay.read_text() + '  tag: "6.10"\n')

    assert _tag_findings(workspace, tmp_path / "out") == []

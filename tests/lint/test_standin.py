"""The stand-in for a chart whose dependencies are not built: a private copy, never the
workspace; only regular files from inside the workspace; removed after the lint."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from blueprintc.lint import lint
from tests.cli.helpers import write_workspace


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else b""
        for p in sorted(root.rglob("*"))
        if not p.is_symlink()
    }


def _stand_ins() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("blueprintc-standin-")}


def test_a_helper_library_is_rendered_from_its_source_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    root = write_workspace(tmp_path, {"scratch": "replicas: 1\n"})
    library = root / "lib" / "helpers"
    (library / "templates").mkdir(parents=True)
    (library / "Chart.yaml").write_text("apiVersion: v2\nname: helpers\nversion: 0.3.0\n")
    (library / "templates" / "_x.tpl").write_text('{{- define "helpers.x" -}}x{{- end }}\n')
    # a link in the library is never copied: Helm must not read outside the workspace
    (library / "templates" / "leak.yaml").symlink_to("/etc/hostname")
    chart = root / "blueprints" / "scratch" / "chart"
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: bp-scratch\nversion: 1.0.0\ndependencies:\n"
        "  - name: helpers\n    version: 0.3.0\n    repository: file://../../../lib/helpers\n"
    )
    (chart / "templates" / "sa.yaml").write_text(
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include "helpers.x" . }}\n'
    )
    before, temps = _tree(root), _stand_ins()
    result = lint([root], root=root)
    found = {(d.rule, d.location.file, d.location.line) for d in result.diagnostics}
    # the render ran (with the library from lib/helpers): the unlabelled object is found
    assert ("BPG008", "blueprints/scratch/chart/templates/sa.yaml", 3) in found
    info = [d.message for d in result.diagnostics if d.rule == "BPG011"]
    assert info and "the guards ran with helpers from lib/helpers" in info[0]
    assert "leak" not in "".join(d.message for d in result.diagnostics)
    assert _tree(root) == before
    assert not (chart / "charts").exists()
    assert _stand_ins() == temps  # the private copy is gone
